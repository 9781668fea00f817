/**
 * Sum over leading axes (the bias gradient of every conv: dy summed over N, H, W) for the wasm
 * backend. Its own kernel first transposes the reduced axes innermost with its slow transpose;
 * summing rows in place needs no copy. Other reductions go to the backend's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { KernelReplacement } from '../install.js';
import type { WasmHeapBackend } from './heap.js';

type Args = { inputs: { x: TensorInfo }; backend: WasmHeapBackend; attrs: SumAttrs };

/** Rows summed column by column, in float64 as TF.js' CPU backend does. */
function sumRows(backend: WasmHeapBackend, x: TensorInfo, rows: number, outShape: number[]): TensorInfo {
  const cols = x.shape.reduce((p, d) => p * d, 1) / rows;
  const acc = new Float64Array(cols);
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  for (let r = 0, o = 0; r < rows; r++, o += cols) for (let c = 0; c < cols; c++) acc[c] = acc[c]! + src[o + c]!;
  const out = backend.makeOutput(outShape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}

export const sumReplacement: KernelReplacement = {
  kernelName: tf.Sum,
  make: (original) => ({
    kernelName: tf.Sum,
    backendName: 'wasm',
    kernelFunc: ((args: Args) => {
      const { x } = args.inputs;
      const axes = tf.util.parseAxisParam(args.attrs.axis, x.shape).sort((a, b) => a - b);
      const leading = axes.every((a, i) => a === i) && axes.length < x.shape.length;
      if (x.dtype !== 'float32' || !leading || !original) return original!(args as never);
      const rows = axes.reduce((p, a) => p * x.shape[a]!, 1);
      const kept = x.shape.slice(axes.length);
      return sumRows(args.backend, x, rows, args.attrs.keepDims ? [...axes.map(() => 1), ...kept] : kept);
    }) as unknown as KernelFunc,
  }),
};
