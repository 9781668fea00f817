/** Running TF.js graph models in tests: backend set-up and loading model.json from disk. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readTfjsGraphModel, toModelArtifacts } from '../../../trainer/importers/index.js';

export { tf };

/** Switches TF.js to `name`; the WebAssembly backend loads its .wasm files from the package folder. */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm') {
    const pkg = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(`${pkg}/`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend '${name}' did not start`);
  await tf.ready();
}

/** tf.loadGraphModel for a model.json on disk (TF.js has no file:// loader in Node). */
export async function loadGraphModelFromDisk(modelJsonPath: string): Promise<tf.GraphModel> {
  const artifacts = toModelArtifacts(await readTfjsGraphModel(modelJsonPath)) as tf.io.ModelArtifacts;
  return tf.loadGraphModel({ load: async () => artifacts });
}

/** Runs a graph model on one NCHW or NHWC input; returns each named output's data and shape. */
export function runGraphModel(model: tf.GraphModel, input: Float32Array, shape: number[], outputs: string[]): { data: Float32Array; shape: number[] }[] {
  return tf.tidy(() => {
    const res = model.execute(tf.tensor(input, shape), outputs);
    return (Array.isArray(res) ? res : [res]).map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape }));
  });
}

export { maxAbsDiff } from '../executor/helpers.js';
