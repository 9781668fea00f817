/**
 * Conversion state and the layout scheme.
 *
 * Every TF tensor becomes a Value: a constant (folded at import time) or a dynamic ONNX tensor
 * that holds the TF tensor transposed by `perm` (ONNX dims[i] = TF dims[perm[i]]). A TF
 * Transpose only changes `perm`; convolutions ask for their input in NCHW order; a real ONNX
 * Transpose is emitted (once per tensor and order) only where an op needs an order the tensor is
 * not stored in. So TF.js graphs that shuttle NCHW<->NHWC around every conv (as ONNX->TF
 * converters produce) come out with no transposes at all around the convs.
 */
import { GraphBuilder, DataType, attr, type Attrs } from '../../onnx/index.js';
import { makeTensor } from '../../onnx/tensor.js';
import { ImportError, UnsupportedOpError } from '../errors.js';
import { NdArray, cast, identity, isIdentity, transpose, type DType } from './ndarray.js';
import type { TfNode } from './model-json.js';

export interface DynValue {
  kind: 'dyn';
  /** ONNX tensor name. */
  name: string;
  /** TF shape (static). */
  shape: number[];
  dtype: DType;
  /** ONNX tensor = transpose(TF tensor, perm). */
  perm: number[];
}

export interface ConstValue {
  kind: 'const';
  tensor: NdArray;
}

export type Value = DynValue | ConstValue;

export function shapeOf(v: Value): number[] {
  return v.kind === 'const' ? [...v.tensor.shape] : v.shape;
}

export function dtypeOf(v: Value): DType {
  return v.kind === 'const' ? v.tensor.dtype : v.dtype;
}

export function constant(tensor: NdArray): ConstValue {
  return { kind: 'const', tensor };
}

/** The ONNX Transpose perm that turns storage order `from` into storage order `to`. */
export function permBetween(from: readonly number[], to: readonly number[]): number[] {
  return to.map((axis) => from.indexOf(axis));
}

/** Storage perm of the result of TF Transpose(x, p) when x is stored with `perm`. */
export function permAfterTranspose(perm: readonly number[], p: readonly number[]): number[] {
  return perm.map((axis) => p.indexOf(axis));
}

/** Storage perm once TF axes `dropped` (size 1 or reduced) are removed from both orders. */
export function permWithout(perm: readonly number[], dropped: ReadonlySet<number>): number[] {
  return perm.filter((a) => !dropped.has(a)).map((a) => a - [...dropped].filter((d) => d < a).length);
}

export const NCHW_FROM_NHWC = [0, 3, 1, 2];

const ONNX_TYPE: Record<DType, number> = { float32: DataType.FLOAT, int32: DataType.INT32, bool: DataType.BOOL };

export function onnxType(dtype: DType): number {
  return ONNX_TYPE[dtype];
}

export class ConvertContext {
  /** The TF node being converted (for names and messages). */
  node: TfNode = { name: '', op: '' };
  private readonly transposed = new Map<string, string>();
  private readonly constNames = new Map<NdArray, Map<string, string>>();
  private readonly int64Names = new Map<string, string>();
  private readonly floatScalars = new Map<number, string>();

  constructor(
    readonly file: string,
    readonly b: GraphBuilder,
  ) {}

  /** An ImportError that names the current node and op. */
  error(detail: string): ImportError {
    return new ImportError(this.file, `node '${this.node.name}' (${this.node.op}): ${detail}`);
  }

  unsupported(detail: string): UnsupportedOpError {
    return new UnsupportedOpError(this.file, this.node.op, this.node.name, detail);
  }

  /** Input `i` as a constant, or an error saying it must be one. */
  constInput(inputs: readonly Value[], i: number, what: string): NdArray {
    const v = inputs[i];
    if (!v) throw this.error(`missing input ${i} (${what})`);
    if (v.kind !== 'const') throw this.unsupported(`input ${i} (${what}) must be a constant, but it is computed from the model input`);
    return v.tensor;
  }

  input(inputs: readonly Value[], i: number, what = 'x'): Value {
    const v = inputs[i];
    if (!v) throw this.error(`missing input ${i} (${what})`);
    return v;
  }

  dyn(name: string, shape: readonly number[], dtype: DType, perm: readonly number[] = identity(shape.length)): DynValue {
    return { kind: 'dyn', name, shape: [...shape], dtype, perm: [...perm] };
  }

  /** Adds an ONNX node named after the current TF node; returns its outputs. */
  emit(op: string, inputs: readonly string[], attrs?: Attrs, outputs = 1, nameHint?: string): string[] {
    return this.b.addNode(op, inputs, { name: nameHint ?? this.node.name, outputs, ...(attrs ? { attrs } : {}) });
  }

  emit1(op: string, inputs: readonly string[], attrs?: Attrs, nameHint?: string): string {
    return this.emit(op, inputs, attrs, 1, nameHint)[0]!;
  }

  /** A 1-D (or scalar, with dims []) int64 initializer, shared between identical uses. */
  int64(values: readonly number[], dims?: readonly number[]): string {
    const key = `${values.join(',')}|${dims ? dims.join(',') : ''}`;
    let name = this.int64Names.get(key);
    if (!name) {
      name = this.b.addInitializer(`const_i64_${values.length <= 4 ? values.join('_').replace(/-/g, 'm') : 'v'}`, makeTensor(DataType.INT64, BigInt64Array.from(values, (v) => BigInt(v)), dims ?? [values.length]));
      this.int64Names.set(key, name);
    }
    return name;
  }

  /** A float32 scalar initializer, shared between identical uses. */
  floatScalar(value: number): string {
    let name = this.floatScalars.get(value);
    if (!name) {
      name = this.b.addInitializer(`const_f_${String(value).replace(/[^0-9a-z]/gi, '_')}`, makeTensor(DataType.FLOAT, Float32Array.of(value), []));
      this.floatScalars.set(value, name);
    }
    return name;
  }

  /** A constant as an initializer, stored transposed by `perm`, cast to `dtype` if given. */
  constName(t: NdArray, perm: readonly number[] = identity(t.rank), dtype: DType = t.dtype, base = `${this.node.name}/const`): string {
    const key = `${perm.join(',')}|${dtype}`;
    let byKey = this.constNames.get(t);
    const hit = byKey?.get(key);
    if (hit) return hit;
    const stored = cast(transpose(t, perm), dtype);
    const name = this.b.addInitializer(base, makeTensor(onnxType(dtype), stored.data, stored.shape));
    if (!byKey) this.constNames.set(t, (byKey = new Map()));
    byKey.set(key, name);
    return name;
  }

  /**
   * The ONNX name of `v` stored in order `perm` (TF order by default), inserting one shared
   * Transpose when the tensor is stored in another order. Constants become initializers.
   */
  materialize(v: Value, perm: readonly number[] = identity(shapeOf(v).length), dtype?: DType): string {
    if (v.kind === 'const') return this.constName(v.tensor, perm, dtype ?? v.tensor.dtype);
    if (dtype && dtype !== v.dtype) throw this.error(`internal: a ${v.dtype} tensor is needed as ${dtype}`);
    if (v.perm.length !== perm.length) throw this.error(`internal: rank ${v.perm.length} tensor asked for in order [${perm.join(', ')}]`);
    if (v.perm.every((a, i) => a === perm[i])) return v.name;
    const key = `${v.name}|${perm.join(',')}`;
    let name = this.transposed.get(key);
    if (!name) {
      const nameHint = isIdentity(perm) ? `${v.name}/to_tf_order` : perm.join('') === '0312' ? `${v.name}/to_nchw` : `${v.name}/transpose`;
      name = this.emit1('Transpose', [v.name], { perm: attr.ints(permBetween(v.perm, perm)) }, nameHint);
      this.transposed.set(key, name);
    }
    return name;
  }
}
