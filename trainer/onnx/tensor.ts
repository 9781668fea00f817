/**
 * Building ONNX TensorProtos from typed arrays and reading them back. Data always travels as
 * little-endian `raw_data`, the compact form onnxruntime reads fastest.
 */
import { DataType, dataTypeName, toNumber, type TensorProto } from './proto.js';

/** The typed array each ONNX element type is read into. */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

/** A decoded tensor: element type, dims and a typed array of its values (row-major). */
export interface TensorValue {
  dataType: number;
  dims: number[];
  data: TensorData;
}

const BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
};

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('argus ONNX tools assume a little-endian machine');
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

/** Any tensor from a typed array whose element size matches `dataType`. */
export function makeTensor(dataType: number, data: TensorData, dims: readonly number[], name?: string): TensorProto {
  const n = elementCount(dims);
  if (data.length !== n) {
    throw new RangeError(`tensor${name ? ` '${name}'` : ''}: ${data.length} values do not fill dims [${dims.join(', ')}] (${n})`);
  }
  if (BYTES[dataType] !== data.BYTES_PER_ELEMENT) {
    throw new TypeError(`tensor${name ? ` '${name}'` : ''}: ${data.constructor.name} does not hold ${dataTypeName(dataType)} values`);
  }
  const t: TensorProto = { dataType, dims: [...dims], rawData: bytesOf(data) };
  if (name !== undefined) t.name = name;
  return t;
}

/** A float32 tensor; `dims` defaults to a 1-D tensor of the data's length. */
export function floatTensor(data: Float32Array | readonly number[], dims?: readonly number[], name?: string): TensorProto {
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  return makeTensor(DataType.FLOAT, arr, dims ?? [arr.length], name);
}

/** An int64 tensor, as shapes, axes and pads are in ONNX; `dims` defaults to 1-D. */
export function int64Tensor(values: readonly number[] | BigInt64Array, dims?: readonly number[], name?: string): TensorProto {
  const arr = values instanceof BigInt64Array ? values : BigInt64Array.from(values, (v) => BigInt(v));
  return makeTensor(DataType.INT64, arr, dims ?? [arr.length], name);
}

/** An int32 tensor; `dims` defaults to 1-D. */
export function int32Tensor(values: readonly number[] | Int32Array, dims?: readonly number[], name?: string): TensorProto {
  const arr = values instanceof Int32Array ? values : Int32Array.from(values);
  return makeTensor(DataType.INT32, arr, dims ?? [arr.length], name);
}

function allocFor(dataType: number, n: number): TensorData {
  switch (dataType) {
    case DataType.FLOAT:
      return new Float32Array(n);
    case DataType.DOUBLE:
      return new Float64Array(n);
    case DataType.INT32:
      return new Int32Array(n);
    case DataType.INT64:
      return new BigInt64Array(n);
    case DataType.UINT8:
    case DataType.BOOL:
      return new Uint8Array(n);
    case DataType.INT8:
      return new Int8Array(n);
    case DataType.UINT16:
    case DataType.FLOAT16:
      return new Uint16Array(n);
    case DataType.INT16:
      return new Int16Array(n);
    default:
      throw new TypeError(`ONNX tensors of ${dataTypeName(dataType)} are not supported`);
  }
}

/**
 * Decodes a TensorProto (raw_data or the typed repeated fields) into a typed array.
 * FLOAT16 comes back as its raw bits in a Uint16Array. External data is not supported.
 */
export function readTensor(t: TensorProto): TensorValue {
  const dataType = t.dataType ?? 0;
  const dims = (t.dims ?? []).map((d) => toNumber(d));
  const n = elementCount(dims);
  const label = t.name ? `tensor '${t.name}'` : 'tensor';
  if (t.dataLocation === 1) throw new Error(`${label}: external data is not supported`);
  const out = allocFor(dataType, n);
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== n * BYTES[dataType]!) {
      throw new RangeError(`${label}: raw_data has ${t.rawData.length} bytes, dims [${dims.join(', ')}] need ${n * BYTES[dataType]!}`);
    }
    new Uint8Array(out.buffer).set(t.rawData);
    return { dataType, dims, data: out };
  }
  let src: readonly (number | { toNumber(): number })[] = [];
  switch (dataType) {
    case DataType.FLOAT:
      src = t.floatData ?? [];
      break;
    case DataType.DOUBLE:
      src = t.doubleData ?? [];
      break;
    case DataType.INT64:
      src = (t.int64Data ?? []) as (number | { toNumber(): number })[];
      break;
    default:
      // int32, int16, int8, uint16, uint8, bool and float16 bits all live in int32_data.
      src = t.int32Data ?? [];
  }
  if (src.length !== n) throw new RangeError(`${label}: has ${src.length} values, dims [${dims.join(', ')}] need ${n}`);
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      out[i] = typeof v === 'number' ? BigInt(v) : BigInt(v.toString());
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = toNumber(src[i]);
  }
  return { dataType, dims, data: out };
}

/** A float tensor's values as Float32Array (float32, float64 and float16 are accepted). */
export function tensorToFloat32(t: TensorProto): Float32Array {
  const v = readTensor(t);
  if (v.dataType === DataType.FLOAT) return v.data as Float32Array;
  if (v.dataType === DataType.DOUBLE) return Float32Array.from(v.data as Float64Array);
  if (v.dataType === DataType.FLOAT16) return float16BitsToFloat32(v.data as Uint16Array);
  throw new TypeError(`tensor '${t.name ?? ''}' is ${dataTypeName(v.dataType)}, expected a float tensor`);
}

/** An integer tensor's values as plain numbers (for shapes, axes, pads). */
export function tensorToNumbers(t: TensorProto): number[] {
  const v = readTensor(t);
  if (v.data instanceof BigInt64Array) return Array.from(v.data, (x) => Number(x));
  return Array.from(v.data as ArrayLike<number>);
}

let f16Table: Float32Array | undefined;

/** IEEE half-precision bit patterns to float32 values (exact, table-driven). */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 0x1f;
      const frac = h & 0x3ff;
      let v: number;
      if (exp === 0) v = frac * 2 ** -24; // subnormal
      else if (exp === 31) v = frac === 0 ? Infinity : NaN;
      else v = (1 + frac / 1024) * 2 ** (exp - 15);
      f16Table[h] = sign * v;
    }
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = f16Table[bits[i]!]!;
  return out;
}
