/** Host values: reading them from ONNX tensors, and the few array operations shape chains need. */
import { DataType, float16BitsToFloat32, readTensor, type TensorProto } from '../onnx/index.js';
import { OpCheckError } from './errors.js';
import { host, isFloatType, type HostValue } from './value.js';

export function hostFromTensor(t: TensorProto): HostValue {
  const v = readTensor(t);
  const values = v.dataType === DataType.FLOAT16 ? float16BitsToFloat32(v.data as Uint16Array) : v.data;
  return host(v.dataType, v.dims, Array.from(values as ArrayLike<number | bigint>, (x) => Number(x)));
}

/** The values of a static input as integers (shapes, axes, pads); `what` names it in errors. */
export function ints(v: HostValue | undefined, what: string): number[] {
  if (!v) throw new OpCheckError(`${what} is missing`);
  return v.data.map((x) => Math.trunc(x));
}

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

export function broadcastDims(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new OpCheckError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Elementwise op with ONNX (numpy) broadcasting; float results are rounded to float32. */
export function hostBinary(a: HostValue, b: HostValue, f: (x: number, y: number) => number): HostValue {
  const dims = broadcastDims(a.dims, b.dims);
  const sa = broadcastStrides(a.dims, dims);
  const sb = broadcastStrides(b.dims, dims);
  const so = strides(dims);
  const n = dims.reduce((p, d) => p * d, 1);
  const float = isFloatType(a.dataType) || isFloatType(b.dataType);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < dims.length; d++) {
      const k = Math.floor(i / so[d]!) % dims[d]!;
      ia += k * sa[d]!;
      ib += k * sb[d]!;
    }
    const r = f(a.data[ia]!, b.data[ib]!);
    data[i] = float ? Math.fround(r) : Math.trunc(r);
  }
  return host(float ? DataType.FLOAT : a.dataType, dims, data);
}

function broadcastStrides(dims: readonly number[], out: readonly number[]): number[] {
  const s = strides(dims);
  return out.map((_, d) => {
    const i = dims.length - out.length + d;
    return i < 0 || dims[i] === 1 ? 0 : s[i]!;
  });
}

/** Gathers along `axis` of a host value with already-normalised indices. */
export function hostTake(v: HostValue, axis: number, indices: readonly number[], indexDims: readonly number[]): HostValue {
  const outer = v.dims.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = v.dims.slice(axis + 1).reduce((p, d) => p * d, 1);
  const n = v.dims[axis]!;
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const idx of indices) {
      const base = (o * n + idx) * inner;
      for (let k = 0; k < inner; k++) data.push(v.data[base + k]!);
    }
  }
  return host(v.dataType, [...v.dims.slice(0, axis), ...indexDims, ...v.dims.slice(axis + 1)], data);
}

/** Concatenates host values along `axis`. */
export function hostConcat(values: readonly HostValue[], axis: number): HostValue {
  const first = values[0]!;
  const outer = first.dims.slice(0, axis).reduce((p, d) => p * d, 1);
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const v of values) {
      const chunk = v.dims.slice(axis).reduce((p, d) => p * d, 1);
      for (let k = 0; k < chunk; k++) data.push(v.data[o * chunk + k]!);
    }
  }
  const dims = [...first.dims];
  dims[axis] = values.reduce((s, v) => s + v.dims[axis]!, 0);
  return host(first.dataType, dims, data);
}
