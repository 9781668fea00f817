/**
 * Slice (opset 10+: starts, ends, axes, steps as inputs). Steps other than 1 are built from
 * slice, pad and reshape, which all have gradients (TF.js has none for strided slices).
 */
import * as tf from '@tensorflow/tfjs';
import { OpCheckError } from '../errors.js';
import { ints, strides } from '../host.js';
import { normAxis } from '../layout.js';
import { host, shapeOf, tensorValue, type HostValue } from '../value.js';
import { required, type OpSpec } from './op.js';

/** What a Slice keeps of one axis: `count` elements from `first`, `step` apart. */
interface AxisSlice {
  axis: number;
  first: number;
  count: number;
  step: number;
}

function axisSlices(shape: readonly number[], inputs: readonly (unknown | undefined)[]): AxisSlice[] {
  const starts = ints(inputs[1] as HostValue | undefined, 'starts');
  const ends = ints(inputs[2] as HostValue | undefined, 'ends');
  const axes = inputs[3] ? ints(inputs[3] as HostValue, 'axes') : starts.map((_, i) => i);
  const steps = inputs[4] ? ints(inputs[4] as HostValue, 'steps') : starts.map(() => 1);
  return axes.map((a, i) => {
    const axis = normAxis(a, shape.length);
    const dim = shape[axis]!;
    const step = steps[i]!;
    if (step === 0) throw new OpCheckError('a step of 0 is not allowed');
    const clampStart = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    if (step > 0) {
      const s = clampStart(starts[i]!, 0, dim);
      const e = clampStart(ends[i]!, 0, dim);
      return { axis, first: s, count: Math.max(0, Math.ceil((e - s) / step)), step };
    }
    const s = clampStart(starts[i]!, 0, dim - 1);
    const e = clampStart(ends[i]!, -1, dim - 1);
    return { axis, first: s, count: Math.max(0, Math.ceil((s - e) / -step)), step };
  });
}

function hostSlice(x: HostValue, slices: readonly AxisSlice[]): HostValue {
  const pick = x.dims.map((d, axis) => {
    const s = slices.find((sl) => sl.axis === axis);
    return s ? Array.from({ length: s.count }, (_, k) => s.first + k * s.step) : Array.from({ length: d }, (_, k) => k);
  });
  const st = strides(x.dims);
  const data: number[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === x.dims.length) {
      data.push(x.data[offset]!);
      return;
    }
    for (const i of pick[axis]!) walk(axis + 1, offset + i * st[axis]!);
  };
  walk(0, 0);
  return host(x.dataType, pick.map((p) => p.length), data);
}

/** Every `step`-th element along physical `axis` starting at 0, as slice + pad + reshape. */
function subsample(t: tf.Tensor, axis: number, count: number, step: number): tf.Tensor {
  const len = t.shape[axis]!;
  const padded = len < count * step ? tf.pad(t, t.shape.map((_, i) => (i === axis ? [0, count * step - len] : [0, 0])) as [number, number][]) : t;
  const trimmed = padded.shape[axis]! > count * step ? tf.slice(padded, t.shape.map(() => 0), padded.shape.map((d, i) => (i === axis ? count * step : d))) : padded;
  const split = tf.reshape(trimmed, [...t.shape.slice(0, axis), count, step, ...t.shape.slice(axis + 1)]);
  const first = tf.slice(split, split.shape.map(() => 0), split.shape.map((d, i) => (i === axis + 1 ? 1 : d)));
  return tf.reshape(first, [...t.shape.slice(0, axis), count, ...t.shape.slice(axis + 1)]);
}

export const sliceOps: Record<string, OpSpec> = {
  Slice: {
    staticInputs: [1, 2, 3, 4],
    check(_node, opset) {
      if (opset < 10) throw new OpCheckError(`opset ${opset} Slice (attributes) is not supported; opset 10+ takes starts and ends as inputs`);
    },
    host(inputs, node) {
      const x = required(inputs, 0, node);
      return [hostSlice(x, axisSlices(x.dims, inputs))];
    },
    run(inputs, ctx) {
      const x = ctx.tensor(required(inputs, 0, ctx.node));
      const shape = shapeOf(x);
      const slices = axisSlices(shape, inputs);
      // One contiguous slice covering every kept element, in physical axes.
      const begin = x.t.shape.map(() => 0);
      const size = [...x.t.shape];
      for (const s of slices) {
        const p = x.perm[s.axis]!;
        const span = s.count === 0 ? 0 : (s.count - 1) * Math.abs(s.step) + 1;
        begin[p] = s.step > 0 ? s.first : s.first - span + 1;
        // A positive step may read past the last kept element, saving subsample() a pad.
        size[p] = s.step > 1 ? Math.min(s.count * s.step, shape[s.axis]! - begin[p]!) : span;
      }
      let t = begin.every((b, i) => b === 0 && size[i] === x.t.shape[i]) ? x.t : tf.slice(x.t, begin, size);
      for (const s of slices) {
        const p = x.perm[s.axis]!;
        if (s.step < 0) t = tf.reverse(t, p);
        if (Math.abs(s.step) > 1) t = subsample(t, p, s.count, Math.abs(s.step));
      }
      return [tensorValue(t, x.perm)];
    },
  },
};
