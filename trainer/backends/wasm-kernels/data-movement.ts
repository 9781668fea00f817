/**
 * Faster versions of wasm kernels that only move data. The backend's Identity and same-type Cast
 * copy every tensor TF.js saves for backprop, Slice/SplitV read the whole input back through a
 * copy before slicing (rank 5+ element by element), and Transpose writes with a large stride.
 * These share data where nothing changes and otherwise copy straight on the heap.
 */
import * as tf from '@tensorflow/tfjs';
import type { CastAttrs, KernelFunc, SliceAttrs, SplitVAttrs, TensorInfo, TransposeAttrs } from '@tensorflow/tfjs';
import type { KernelReplacement } from '../install.js';
import { share, sliceHeap, type WasmHeapBackend } from './heap.js';
import { transposeHeap } from './transpose.js';

type Args<A> = { inputs: { x: TensorInfo }; backend: WasmHeapBackend; attrs: A };

function replacement(kernelName: string, make: (original: KernelFunc | undefined) => (args: Args<never>) => TensorInfo | TensorInfo[]): KernelReplacement {
  return { kernelName, make: (original) => ({ kernelName, backendName: 'wasm', kernelFunc: make(original) as unknown as KernelFunc }) };
}

function fallback(original: KernelFunc | undefined, name: string): KernelFunc {
  if (!original) throw new Error(`wasm kernel '${name}' has no original implementation to fall back on`);
  return original;
}

export const identityReplacement = replacement(tf.Identity, (original) => (args: Args<object>) => {
  if (args.inputs.x.dtype === 'string') return fallback(original, tf.Identity)(args as never) as TensorInfo;
  return share(args.backend, args.inputs.x);
});

export const castReplacement = replacement(tf.Cast, (original) => (args: Args<CastAttrs>) => {
  if (args.inputs.x.dtype !== args.attrs.dtype) return fallback(original, tf.Cast)(args as never) as TensorInfo;
  return share(args.backend, args.inputs.x);
});

export const sliceReplacement = replacement(tf.Slice, (original) => (args: Args<SliceAttrs>) => {
  const { x } = args.inputs;
  if (x.dtype === 'string') return fallback(original, tf.Slice)(args as never) as TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(x, args.attrs.begin, args.attrs.size);
  return sliceHeap(args.backend, x, begin, size);
});

export const splitVReplacement = replacement(tf.SplitV, (original) => (args: Args<SplitVAttrs>) => {
  const { x } = args.inputs;
  if (x.dtype === 'string') return fallback(original, tf.SplitV)(args as never) as TensorInfo[];
  const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as never, args.attrs.numOrSizeSplits, axis);
  const begin = x.shape.map(() => 0);
  return sizes.map((part) => {
    const size = [...x.shape];
    size[axis] = part;
    const out = sliceHeap(args.backend, x, begin, size);
    begin[axis] = begin[axis]! + part;
    return out;
  });
});

export const transposeReplacement = replacement(tf.Transpose, (original) => (args: Args<TransposeAttrs>) => {
  if (args.inputs.x.dtype === 'string') return fallback(original, tf.Transpose)(args as never) as TensorInfo;
  return transposeHeap(args.backend, args.inputs.x, args.attrs.perm);
});
