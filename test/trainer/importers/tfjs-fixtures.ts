/** Builds small TF.js graph models (model.json + one weight shard) for importer tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TfNode, WeightSpec } from '../../../trainer/importers/index.js';

type AttrJson = NonNullable<TfNode['attr']>[string];

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** TF attr values in model.json encoding. */
export const A = {
  s: (s: string): AttrJson => ({ s: b64(s) }),
  i: (i: number): AttrJson => ({ i: String(i) }),
  f: (f: number): AttrJson => ({ f }),
  b: (b: boolean): AttrJson => ({ b }),
  type: (t: string): AttrJson => ({ type: t }),
  ints: (xs: number[]): AttrJson => ({ list: { i: xs.map(String) } }),
  strings: (xs: string[]): AttrJson => ({ list: { s: xs.map(b64) } }),
  shape: (dims: number[]): AttrJson => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
};

export interface FixtureWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: ArrayLike<number>;
  /** Store as float16, or uint8 affine (value = q * scale + min). */
  quantize?: 'float16' | 'uint8';
}

/** Nearest float16 bit pattern of a float (normal and subnormal range; no NaN handling needed here). */
export function toFloat16Bits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  let e = Math.floor(Math.log2(a));
  let m = Math.round((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | m;
}

export class GraphFixture {
  readonly nodes: TfNode[] = [];
  readonly weights: FixtureWeight[] = [];

  placeholder(name: string, shape: number[], dtype = 'DT_FLOAT'): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { shape: A.shape(shape), dtype: A.type(dtype) } });
    return name;
  }

  const(name: string, shape: number[], values: ArrayLike<number>, dtype: 'float32' | 'int32' = 'float32', quantize?: 'float16' | 'uint8'): string {
    const tfType = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: tfType, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } }, dtype: A.type(tfType) } });
    this.weights.push({ name, shape, dtype, values, ...(quantize ? { quantize } : {}) });
    return name;
  }

  ints(name: string, values: number[], shape = [values.length]): string {
    return this.const(name, shape, values, 'int32');
  }

  op(name: string, op: string, input: string[], attr: Record<string, AttrJson> = {}): string {
    this.nodes.push({ name, op, input, attr });
    return name;
  }

  /** Writes model.json + weights.bin into `dir`; returns the model.json path. */
  async write(dir: string, outputs: string[]): Promise<string> {
    await mkdir(dir, { recursive: true });
    const specs: WeightSpec[] = [];
    const chunks: Buffer[] = [];
    for (const w of this.weights) {
      const spec: WeightSpec = { name: w.name, shape: w.shape, dtype: w.dtype };
      if (w.quantize === 'float16') {
        chunks.push(Buffer.from(Uint16Array.from(Array.from(w.values, toFloat16Bits)).buffer));
        spec.quantization = { dtype: 'float16', original_dtype: 'float32' };
      } else if (w.quantize === 'uint8') {
        const vals = Array.from(w.values);
        const min = Math.min(...vals);
        const scale = (Math.max(...vals) - min) / 255 || 1;
        chunks.push(Buffer.from(Uint8Array.from(vals, (v) => Math.round((v - min) / scale))));
        spec.quantization = { dtype: 'uint8', min, scale, original_dtype: w.dtype };
      } else {
        const arr = w.dtype === 'float32' ? Float32Array.from(w.values) : Int32Array.from(w.values);
        chunks.push(Buffer.from(arr.buffer));
      }
      specs.push(spec);
    }
    const json = {
      format: 'graph-model',
      generatedBy: 'argus test',
      convertedBy: 'argus test',
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
      signature: {
        outputs: Object.fromEntries(outputs.map((o) => [`${o}:0`, { name: `${o}:0` }])),
      },
    };
    await writeFile(join(dir, 'weights.bin'), Buffer.concat(chunks));
    const file = join(dir, 'model.json');
    await writeFile(file, JSON.stringify(json));
    return file;
  }
}

/** Deterministic pseudo-random values in [-scale, scale). */
export function randomValues(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}
