/**
 * The values that flow between nodes: host values (small arrays known without running TF.js, such
 * as shapes, axes and constants) and tensors stored under an axis permutation (see layout.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { DataType } from '../onnx/index.js';
import { identity, invert, isIdentity, logicalShape, physicalShape, reshapeGroups, samePerm, transposeIsReshape, type AxisGroup } from './layout.js';

/** A value computed in plain JS: ONNX element type, dims and row-major values. */
export interface HostValue {
  kind: 'host';
  dataType: number;
  dims: number[];
  data: number[];
}

/** A TF.js tensor whose logical (ONNX) view is `tf.transpose(t, perm)`. */
export interface TensorValue {
  kind: 'tensor';
  t: tf.Tensor;
  perm: number[];
}

export type Value = HostValue | TensorValue;

export function host(dataType: number, dims: readonly number[], data: readonly number[]): HostValue {
  return { kind: 'host', dataType, dims: [...dims], data: [...data] };
}

export function tensorValue(t: tf.Tensor, perm: readonly number[] = identity(t.rank)): TensorValue {
  return { kind: 'tensor', t, perm: [...perm] };
}

export function isFloatType(dataType: number): boolean {
  return dataType === DataType.FLOAT || dataType === DataType.DOUBLE || dataType === DataType.FLOAT16;
}

export function shapeOf(v: Value): number[] {
  return v.kind === 'host' ? [...v.dims] : logicalShape(v.t.shape, v.perm);
}

/** A host value as a TF.js tensor: float32 for float types, int32 for the rest. */
export function hostToTensor(v: HostValue): tf.Tensor {
  return isFloatType(v.dataType) ? tf.tensor(Float32Array.from(v.data), v.dims, 'float32') : tf.tensor(Int32Array.from(v.data), v.dims, 'int32');
}

/** The tensor's values physically arranged under `perm` (no copy when nothing really moves). */
export function toPerm(v: TensorValue, perm: readonly number[]): tf.Tensor {
  if (samePerm(v.perm, perm)) return v.t;
  const inv = invert(perm);
  const order = inv.map((l) => v.perm[l]!);
  if (transposeIsReshape(v.t.shape, order)) return tf.reshape(v.t, physicalShape(shapeOf(v), perm));
  return tf.transpose(v.t, order);
}

/** The tensor in its ONNX layout. */
export function materialize(v: TensorValue): tf.Tensor {
  return toPerm(v, identity(v.perm.length));
}

/**
 * Reshapes in the logical view. Free when every merged or split run of axes is contiguous in
 * storage (the common case: flattening an NHWC head, splitting channels); otherwise one
 * transpose into `preferred` (NHWC for rank 4, so convolutions downstream need no copy).
 */
export function reshapeValue(v: TensorValue, target: readonly number[]): TensorValue {
  const from = shapeOf(v);
  const groups = reshapeGroups(from, target);
  const free = freeReshape(v, groups, target);
  if (free) return free;
  const preferred = target.length === 4 ? [0, 3, 1, 2] : identity(target.length);
  const order = groupsRespect(groups, invert(preferred)) ? invert(preferred) : identity(target.length);
  const byOrder = [...groups].sort((a, b) => firstPos(a.to, order) - firstPos(b.to, order));
  const sourceOrder = byOrder.flatMap((g) => g.from);
  const arranged = arrange(v, sourceOrder);
  const out = tf.reshape(arranged, order.map((t) => target[t]!));
  return tensorValue(out, invert(order));
}

function firstPos(axes: readonly number[], order: readonly number[]): number {
  return axes.length === 0 ? -1 : order.indexOf(axes[0]!);
}

/** Whether each group's target axes sit together, in order, in the physical order `order`. */
function groupsRespect(groups: readonly AxisGroup[], order: readonly number[]): boolean {
  return groups.every((g) => g.to.every((t, k) => k === 0 || order.indexOf(t) === order.indexOf(g.to[k - 1]!) + 1));
}

/** The physical tensor with logical axes in `sourceOrder` (a transpose, or nothing). */
function arrange(v: TensorValue, sourceOrder: readonly number[]): tf.Tensor {
  const order = sourceOrder.map((l) => v.perm[l]!);
  if (isIdentity(order)) return v.t;
  if (transposeIsReshape(v.t.shape, order)) return tf.reshape(v.t, order.map((p) => v.t.shape[p]!));
  return tf.transpose(v.t, order);
}

function freeReshape(v: TensorValue, groups: readonly AxisGroup[], target: readonly number[]): TensorValue | undefined {
  const keyed: { g: AxisGroup; key: number }[] = [];
  let lastKey = -1;
  for (const g of groups) {
    if (g.from.length === 0) {
      keyed.push({ g, key: lastKey + 0.5 });
      continue;
    }
    const phys = g.from.map((l) => v.perm[l]!);
    if (!phys.every((p, k) => k === 0 || p === phys[k - 1]! + 1)) return undefined;
    lastKey = phys[0]!;
    keyed.push({ g, key: lastKey });
  }
  keyed.sort((a, b) => a.key - b.key);
  const physOrder = keyed.flatMap(({ g }) => g.to);
  const out = physOrder.length === v.t.rank && physOrder.every((t, k) => target[t] === v.t.shape[k]) ? v.t : tf.reshape(v.t, physOrder.map((t) => target[t]!));
  return tensorValue(out, invert(physOrder));
}

/**
 * Brings two tensors to one storage order for an elementwise op with ONNX broadcasting: the
 * lower-rank one gains leading 1s, and the smaller one is rearranged to the bigger one's perm.
 */
export function alignPair(a: TensorValue, b: TensorValue): { a: tf.Tensor; b: tf.Tensor; perm: number[] } {
  const rank = Math.max(a.perm.length, b.perm.length);
  const ea = expandRank(a, rank);
  const eb = expandRank(b, rank);
  const perm = ea.t.size >= eb.t.size ? ea.perm : eb.perm;
  return { a: toPerm(ea, perm), b: toPerm(eb, perm), perm };
}

/** Aligns many tensors (Concat, Sum) to the perm of the biggest. */
export function alignAll(values: readonly TensorValue[]): { ts: tf.Tensor[]; perm: number[] } {
  const biggest = values.reduce((m, v) => (v.t.size > m.t.size ? v : m));
  return { ts: values.map((v) => toPerm(v, biggest.perm)), perm: biggest.perm };
}

function expandRank(v: TensorValue, rank: number): TensorValue {
  const shape = shapeOf(v);
  if (shape.length === rank) return v;
  return reshapeValue(v, [...new Array<number>(rank - shape.length).fill(1), ...shape]);
}
