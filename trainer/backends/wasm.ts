/** Starting TF.js' WebAssembly backend in Node, with argus' gradient kernels. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './wasm-kernels/register.js';

/** The folder of the package's .wasm binaries, with a trailing slash (Node has no fetch of file:// URLs). */
export function wasmBinaryFolder(): string {
  return `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

let pathsSet = false;

/** Switches TF.js to the WebAssembly backend; false when it cannot start. */
export async function startWasm(): Promise<boolean> {
  if (!pathsSet) {
    setWasmPaths(wasmBinaryFolder());
    pathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) return false;
  await tf.ready();
  registerWasmKernels();
  return true;
}
