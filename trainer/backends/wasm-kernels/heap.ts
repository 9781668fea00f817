/** Direct access to tensor data on the WebAssembly heap, for kernels written in JS. */
import type { DataType, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './kernel-scope.js';

type Heap = Float32Array | Int32Array | Uint8Array;

/** The wasm backend's heap helpers (not in its public typings as one interface). */
export interface WasmHeapBackend extends WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Heap;
  incRef(dataId: object): void;
}

/** A tensor sharing `x`'s data (tensors are immutable, so a copy buys nothing). */
export function share(backend: WasmHeapBackend, x: TensorInfo, shape: number[] = x.shape, dtype: DataType = x.dtype): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/**
 * A box [begin, begin + size) of `x` into a new tensor, copying contiguous runs at once. Axes at
 * the end that are taken whole merge into the run, so most slices copy long runs.
 */
export function sliceHeap(backend: WasmHeapBackend, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  if (size.some((d) => d === 0)) return out;
  // Views only after makeOutput: allocating may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const shape = x.shape;
  if (shape.length === 0) {
    dst[0] = src[0]!;
    return out;
  }
  let k = shape.length - 1;
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--;
  const st = strides(shape);
  const run = size[k]! * st[k]!;
  let o = 0;
  const walk = (axis: number, offset: number): void => {
    if (axis === k) {
      const from = offset + begin[k]! * st[k]!;
      if (run > 32) dst.set(src.subarray(from, from + run), o);
      else for (let i = 0; i < run; i++) dst[o + i] = src[from + i]!;
      o += run;
      return;
    }
    const s = st[axis]!;
    for (let i = 0, p = offset + begin[axis]! * s; i < size[axis]!; i++, p += s) walk(axis + 1, p);
  };
  walk(0, 0);
  return out;
}
