/**
 * Transpose for the WebAssembly backend in JS on the heap. The backend's kernel walks the input
 * in order and writes with the output's stride, which for the tall [N*H*W, C] matrices of
 * training is several times slower than this: axes that move together are merged first, a
 * (batched) 2-D swap is copied in cache-sized tiles, and unmoved inner axes are copied as runs.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmHeapBackend } from './heap.js';

type Heap = Float32Array | Int32Array | Uint8Array;

/** Drops size-1 axes and merges input axes that stay adjacent and in order. */
export function collapse(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  const groups: number[][] = [];
  for (const a of kept) {
    const last = groups[groups.length - 1];
    if (last && a === last[last.length - 1]! + 1) last.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((g, h) => g[0]! - h[0]!);
  return {
    shape: byInput.map((g) => g.reduce((p, a) => p * shape[a]!, 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

const TILE = 32;

/** dst[b][c][r] = src[b][r][c] for `batches` [rows, cols] matrices, tile by tile. */
function swap2d(src: Heap, dst: Heap, batches: number, rows: number, cols: number): void {
  for (let b = 0, base = 0; b < batches; b++, base += rows * cols) {
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(cols, c0 + TILE);
        for (let c = c0; c < c1; c++) {
          const o = base + c * rows;
          for (let r = r0, i = base + r0 * cols + c; r < r1; r++, i += cols) dst[o + r] = src[i]!;
        }
      }
    }
  }
}

/** Any permutation: output in order, the innermost axis copied as a run or gathered with a stride. */
function gather(src: Heap, dst: Heap, shape: readonly number[], perm: readonly number[]): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, acc = 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= shape[i]!;
  }
  const outShape = perm.map((a) => shape[a]!);
  const stride = perm.map((a) => inStrides[a]!);
  const inner = outShape[rank - 1]!;
  const innerStride = stride[rank - 1]!;
  let o = 0;
  const walk = (axis: number, offset: number): void => {
    if (axis === rank - 1) {
      if (innerStride === 1) {
        dst.set(src.subarray(offset, offset + inner), o);
        o += inner;
      } else {
        for (let i = 0, p = offset; i < inner; i++, p += innerStride) dst[o++] = src[p]!;
      }
      return;
    }
    for (let i = 0, p = offset; i < outShape[axis]!; i++, p += stride[axis]!) walk(axis + 1, p);
  };
  walk(0, 0);
}

export function transposeHeap(backend: WasmHeapBackend, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const out = backend.makeOutput(
    perm.map((a) => x.shape[a]!),
    x.dtype,
  );
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const c = collapse(x.shape, perm);
  const rank = c.shape.length;
  if (rank <= 1) dst.set(src);
  else if (c.perm[rank - 1] === rank - 2 && c.perm[rank - 2] === rank - 1 && c.perm.slice(0, rank - 2).every((a, i) => a === i)) {
    swap2d(src, dst, c.shape.slice(0, rank - 2).reduce((p, d) => p * d, 1), c.shape[rank - 2]!, c.shape[rank - 1]!);
  } else gather(src, dst, c.shape, c.perm);
  return out;
}
