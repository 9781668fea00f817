/**
 * A minimal n-d array for import-time work: constant folding of shape subgraphs and weight
 * layout changes. Row-major; TF.js dtypes (int64 values are held as int32, as TF.js does).
 */
export type DType = 'float32' | 'int32' | 'bool';
export type NdData = Float32Array | Int32Array | Uint8Array;

export class NdArray {
  constructor(
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly data: NdData,
  ) {
    const n = sizeOf(shape);
    if (data.length !== n) throw new RangeError(`NdArray: ${data.length} values for shape [${shape.join(', ')}]`);
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  static of(dtype: DType, shape: readonly number[], values: ArrayLike<number>): NdArray {
    const data = alloc(dtype, values.length);
    for (let i = 0; i < values.length; i++) data[i] = values[i]!;
    return new NdArray(dtype, shape, data);
  }

  static scalar(value: number, dtype: DType = 'float32'): NdArray {
    return NdArray.of(dtype, [], [value]);
  }

  static vector(values: readonly number[], dtype: DType = 'int32'): NdArray {
    return NdArray.of(dtype, [values.length], values);
  }

  toNumbers(): number[] {
    return Array.from(this.data);
  }
}

export function alloc(dtype: DType, n: number): NdData {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function isIdentity(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

export function identity(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

export function reshape(a: NdArray, shape: readonly number[]): NdArray {
  return new NdArray(a.dtype, shape, a.data);
}

export function cast(a: NdArray, dtype: DType): NdArray {
  if (a.dtype === dtype) return a;
  const out = alloc(dtype, a.size);
  for (let i = 0; i < a.size; i++) {
    const v = a.data[i]!;
    out[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : dtype === 'int32' ? Math.trunc(v) : v;
  }
  return new NdArray(dtype, a.shape, out);
}

/**
 * Visits every element of an output of `shape`, giving its flat output index and the flat
 * index into a source with per-axis `srcStrides` starting at `srcOffset`.
 */
function walk(shape: readonly number[], srcStrides: readonly number[], srcOffset: number, fn: (out: number, src: number) => void): void {
  const rank = shape.length;
  const n = sizeOf(shape);
  if (n === 0) return;
  if (rank === 0) {
    fn(0, srcOffset);
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  let src = srcOffset;
  const last = rank - 1;
  const lastDim = shape[last]!;
  const lastStride = srcStrides[last]!;
  for (let out = 0; out < n; ) {
    for (let k = 0; k < lastDim; k++, out++) fn(out, src + k * lastStride);
    // carry into the outer axes
    let ax = last - 1;
    while (ax >= 0) {
      idx[ax]!++;
      src += srcStrides[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      src -= srcStrides[ax]! * shape[ax]!;
      idx[ax] = 0;
      ax--;
    }
  }
}

/** out.shape[i] = a.shape[perm[i]] */
export function transpose(a: NdArray, perm: readonly number[]): NdArray {
  if (perm.length !== a.rank) throw new RangeError(`transpose: perm [${perm.join(', ')}] for rank ${a.rank}`);
  if (isIdentity(perm)) return a;
  const shape = perm.map((p) => a.shape[p]!);
  const st = stridesOf(a.shape);
  const out = alloc(a.dtype, a.size);
  const src = a.data;
  walk(
    shape,
    perm.map((p) => st[p]!),
    0,
    (o, s) => (out[o] = src[s]!),
  );
  return new NdArray(a.dtype, shape, out);
}

/** Elements at begin + i * step along each axis, `counts` of them. */
export function stridedSlice(a: NdArray, begin: readonly number[], counts: readonly number[], steps: readonly number[]): NdArray {
  const st = stridesOf(a.shape);
  let offset = 0;
  for (let i = 0; i < a.rank; i++) offset += begin[i]! * st[i]!;
  const out = alloc(a.dtype, sizeOf(counts));
  const src = a.data;
  walk(
    counts,
    st.map((s, i) => s * steps[i]!),
    offset,
    (o, s) => (out[o] = src[s]!),
  );
  return new NdArray(a.dtype, counts, out);
}

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new RangeError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** `a` with leading 1-dims so that it has `rank` axes. */
export function padRank(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}

/** Strides that read `shape` as if broadcast to `target` (0 on broadcast axes). */
function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const padded = padRank(shape, target.length);
  const st = stridesOf(padded);
  return padded.map((d, i) => (d === 1 && target[i] !== 1 ? 0 : st[i]!));
}

export function broadcastTo(a: NdArray, target: readonly number[]): NdArray {
  const out = alloc(a.dtype, sizeOf(target));
  const src = a.data;
  walk(target, broadcastStrides(a.shape, target), 0, (o, s) => (out[o] = src[s]!));
  return new NdArray(a.dtype, target, out);
}

export function binary(a: NdArray, b: NdArray, fn: (x: number, y: number) => number, dtype: DType = a.dtype): NdArray {
  const shape = broadcastShapes(a.shape, b.shape);
  const ea = a.size === sizeOf(shape) && a.rank === shape.length ? a : broadcastTo(a, shape);
  const eb = b.size === sizeOf(shape) && b.rank === shape.length ? b : broadcastTo(b, shape);
  const out = alloc(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = fn(ea.data[i]!, eb.data[i]!);
  return new NdArray(dtype, shape, out);
}

export function unary(a: NdArray, fn: (x: number) => number, dtype: DType = a.dtype): NdArray {
  const out = alloc(dtype, a.size);
  for (let i = 0; i < out.length; i++) out[i] = fn(a.data[i]!);
  return new NdArray(dtype, a.shape, out);
}

export function concat(parts: readonly NdArray[], axis: number): NdArray {
  const first = parts[0]!;
  const shape = [...first.shape];
  shape[axis] = parts.reduce((s, p) => s + p.shape[axis]!, 0);
  const out = alloc(first.dtype, sizeOf(shape));
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const p of parts) {
      const chunk = p.shape[axis]! * inner;
      out.set(p.data.subarray(i * chunk, (i + 1) * chunk) as never, o);
      o += chunk;
    }
  }
  return new NdArray(first.dtype, shape, out);
}

export function gather(params: NdArray, indices: NdArray, axis: number): NdArray {
  const dim = params.shape[axis]!;
  const shape = [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)];
  const outer = sizeOf(params.shape.slice(0, axis));
  const inner = sizeOf(params.shape.slice(axis + 1));
  const out = alloc(params.dtype, sizeOf(shape));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (let j = 0; j < indices.size; j++) {
      let k = indices.data[j]!;
      if (k < 0) k += dim;
      if (k < 0 || k >= dim) throw new RangeError(`gather: index ${indices.data[j]} out of range for a dimension of ${dim}`);
      out.set(params.data.subarray((i * dim + k) * inner, (i * dim + k + 1) * inner) as never, o);
      o += inner;
    }
  }
  return new NdArray(params.dtype, shape, out);
}

/** Reduces over `axes` with `fn` from `init`; keepDims keeps them as 1-dims. */
export function reduce(a: NdArray, axes: readonly number[], keepDims: boolean, fn: (acc: number, x: number) => number, init: number, dtype: DType = a.dtype): NdArray {
  const norm = new Set(axes.map((x) => (x < 0 ? x + a.rank : x)));
  const keptShape = a.shape.map((d, i) => (norm.has(i) ? 1 : d));
  const out = alloc(dtype, sizeOf(keptShape)).fill(init);
  const st = stridesOf(keptShape);
  const bst = a.shape.map((_, i) => (norm.has(i) ? 0 : st[i]!));
  const src = a.data;
  walk(a.shape, bst, 0, (o, s) => (out[s] = fn(out[s]!, src[o]!)));
  const shape = keepDims ? keptShape : a.shape.filter((_, i) => !norm.has(i));
  return new NdArray(dtype, shape, out);
}
