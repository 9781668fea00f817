/**
 * Axis permutations between the ONNX (logical) view of a tensor and the order its values are
 * stored in (physical). A perm `p` says logical axis `i` is physical axis `p[i]`, so
 * `logical = tf.transpose(physical, p)`. Keeping the perm beside the tensor lets the executor run
 * NCHW graphs on NHWC kernels and turn Transpose nodes and most Reshapes into bookkeeping.
 */

import { OpCheckError } from './errors.js';

/** Logical NCHW stored as NHWC: channels (logical 1) live on physical axis 3. */
export const NHWC: readonly number[] = [0, 3, 1, 2];

/** ONNX OIHW conv weights stored as TF.js HWIO. */
export const HWIO: readonly number[] = [3, 2, 0, 1];

/** An ONNX axis (negative counts from the end) as an index in [0, rank). */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new OpCheckError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function identity(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

export function isIdentity(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

export function samePerm(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

export function invert(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** The logical shape of a physical shape stored under `perm`. */
export function logicalShape(physical: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => physical[p]!);
}

/** The physical shape a logical shape takes under `perm`. */
export function physicalShape(logical: readonly number[], perm: readonly number[]): number[] {
  return invert(perm).map((i) => logical[i]!);
}

/**
 * Whether transposing by `order` only moves axes of size 1, in which case a reshape does the same
 * job without copying (TF.js transposes copy even when nothing moves).
 */
export function transposeIsReshape(shape: readonly number[], order: readonly number[]): boolean {
  const moved = order.filter((a) => shape[a] !== 1);
  return moved.every((a, i) => i === 0 || a > moved[i - 1]!);
}

/** One run of source axes that a reshape turns into one run of target axes. */
export interface AxisGroup {
  from: number[];
  to: number[];
}

/**
 * Splits a reshape into groups: consecutive source axes whose product equals the product of
 * consecutive target axes. Size-1 axes form groups of their own, so they can go anywhere.
 */
export function reshapeGroups(from: readonly number[], to: readonly number[]): AxisGroup[] {
  const groups: AxisGroup[] = [];
  let i = 0;
  let j = 0;
  while (i < from.length || j < to.length) {
    if (i < from.length && from[i] === 1) {
      groups.push({ from: [i++], to: [] });
      continue;
    }
    if (j < to.length && to[j] === 1) {
      groups.push({ from: [], to: [j++] });
      continue;
    }
    const g: AxisGroup = { from: [], to: [] };
    let pf = 1;
    let pt = 1;
    do {
      if ((pf <= pt && i < from.length) || j >= to.length) {
        pf *= from[i]!;
        g.from.push(i++);
      } else {
        pt *= to[j]!;
        g.to.push(j++);
      }
    } while (pf !== pt && (i < from.length || j < to.length));
    if (pf !== pt) throw new RangeError(`cannot reshape [${from.join(', ')}] to [${to.join(', ')}]`);
    groups.push(g);
  }
  return groups;
}
