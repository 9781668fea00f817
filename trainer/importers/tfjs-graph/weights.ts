/**
 * Decoding TF.js weight shards: float32/int32/bool, float16-quantized floats and uint8/uint16
 * affine-quantized weights (value = q * scale + min, rounded for int32 weights).
 */
import { float16BitsToFloat32 } from '../../onnx/tensor.js';
import { ImportError } from '../errors.js';
import { NdArray, sizeOf, type DType } from './ndarray.js';
import type { WeightSpec } from './model-json.js';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Decodes float16 bit patterns (as stored by the TF.js converter) to float32. */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  const bits = new Uint16Array(bytes.length / 2);
  new Uint8Array(bits.buffer).set(bytes);
  return float16BitsToFloat32(bits);
}

/** Weight tensors by name. String weights are skipped (listed in `skipped`). */
export function decodeWeights(specs: readonly WeightSpec[], data: Uint8Array, file: string): { weights: Map<string, NdArray>; skipped: string[] } {
  const weights = new Map<string, NdArray>();
  const skipped: string[] = [];
  let offset = 0;
  for (const [i, spec] of specs.entries()) {
    const where = `weight '${spec.name}' (weightsManifest weights[${i}])`;
    const n = sizeOf(spec.shape);
    if (spec.dtype === 'string') {
      // length-prefixed byte strings; step over them
      for (let k = 0; k < n; k++) {
        const len = new DataView(data.buffer, data.byteOffset + offset, 4).getUint32(0, true);
        offset += 4 + len;
      }
      skipped.push(spec.name);
      continue;
    }
    const q = spec.quantization;
    const storeType = q ? q.dtype : spec.dtype;
    const bytesPer = BYTES[storeType];
    if (!bytesPer) throw new ImportError(file, `${where}: unsupported ${q ? 'quantization ' : ''}dtype '${storeType}'`);
    const byteLength = n * bytesPer;
    if (offset + byteLength > data.length) {
      throw new ImportError(file, `${where}: needs bytes ${offset}..${offset + byteLength} but the shards hold ${data.length}`);
    }
    const raw = data.slice(offset, offset + byteLength);
    offset += byteLength;
    const dtype = spec.dtype as DType;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new ImportError(file, `${where}: unsupported dtype '${spec.dtype}'`);
    let values: Float32Array | Int32Array | Uint8Array;
    if (!q) {
      values = dtype === 'float32' ? new Float32Array(raw.buffer) : dtype === 'int32' ? new Int32Array(raw.buffer) : raw;
    } else if (q.dtype === 'float16') {
      if (dtype !== 'float32') throw new ImportError(file, `${where}: float16 quantization needs a float32 weight, not ${dtype}`);
      values = decodeFloat16(raw);
    } else {
      if (typeof q.scale !== 'number' || typeof q.min !== 'number') {
        throw new ImportError(file, `${where}: ${q.dtype} quantization needs numeric 'scale' and 'min'`);
      }
      if (dtype === 'bool') throw new ImportError(file, `${where}: quantized bool weights are not supported`);
      const qv = q.dtype === 'uint8' ? raw : new Uint16Array(raw.buffer);
      values = dtype === 'float32' ? new Float32Array(n) : new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const v = qv[k]! * q.scale + q.min;
        values[k] = dtype === 'int32' ? Math.round(v) : v;
      }
    }
    weights.set(spec.name, new NdArray(dtype, spec.shape, values));
  }
  if (offset !== data.length) {
    throw new ImportError(file, `the weights manifest describes ${offset} bytes but the shards hold ${data.length}`);
  }
  return { weights, skipped };
}
