/** Running the same computation on the WebAssembly and CPU backends to compare results. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../../../trainer/backends/index.js';

const started = new Map<BackendName, string>();

/** Switches backend: selected (and logged) the first time, plain TF.js switches after that. */
export async function use(backend: BackendName): Promise<void> {
  const tfName = started.get(backend);
  if (tfName) await tf.setBackend(tfName);
  else started.set(backend, (await selectBackend({ backend })).tfBackend);
}

/** Runs `fn` on `backend` and returns its tensors' values (read before anything is released). */
export async function on(backend: BackendName, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await use(backend);
  const outs = tf.tidy(fn);
  const values = outs.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  tf.dispose(outs);
  return values;
}

/** A seeded generator of integers in [lo, hi]. */
export function randomInts(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (s % (hi - lo + 1));
  };
}
