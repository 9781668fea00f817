import { availableParallelism } from 'node:os';

/**
 * Inference threads of the running device when its config sets none: one per core but one. The
 * pipeline decodes, letterboxes and publishes the next frame while the model runs; with every core
 * given to onnxruntime that work preempts inference threads that wait on each other, and on a
 * 2-core machine measured slower per frame than one thread (`argus bench`). Frigate's CPU detector
 * makes the same choice (3 threads on a 4-core Pi).
 */
export function deviceInferenceThreads(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}
