/**
 * Constants and shape chains (Constant, Shape, Gather, Cast): evaluated in plain JS, folded once
 * when they depend on nothing dynamic, and recomputed from tensor shapes when the input size changes.
 */
import * as tf from '@tensorflow/tfjs';
import { DataType, getAttr, toNumber } from '../../onnx/index.js';
import { floatAttr, intAttr, tensorAttr } from '../attrs.js';
import { OpCheckError } from '../errors.js';
import { hostFromTensor, hostTake, ints } from '../host.js';
import { normAxis } from '../layout.js';
import { host, isFloatType, shapeOf, tensorValue, type HostValue } from '../value.js';
import { required, type OpSpec } from './op.js';

function shapeValue(shape: readonly number[], start: number, end: number): HostValue {
  const r = shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  return host(DataType.INT64, [Math.max(0, clamp(end) - clamp(start))], shape.slice(clamp(start), clamp(end)));
}

function castValue(x: number, to: number): number {
  if (to === DataType.BOOL) return x !== 0 ? 1 : 0;
  return isFloatType(to) ? Math.fround(x) : Math.trunc(x);
}

export const constantOps: Record<string, OpSpec> = {
  Constant: {
    check(node) {
      const kind = ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'].find((k) => getAttr(node, k));
      if (!kind) throw new OpCheckError('only value, value_float(s) and value_int(s) constants are supported');
    },
    host(_inputs, node) {
      const t = tensorAttr(node, 'value');
      if (t) return [hostFromTensor(t)];
      if (getAttr(node, 'value_float')) return [host(DataType.FLOAT, [], [floatAttr(node, 'value_float', 0)])];
      if (getAttr(node, 'value_int')) return [host(DataType.INT64, [], [intAttr(node, 'value_int', 0)])];
      const floats = getAttr(node, 'value_floats')?.floats;
      if (floats) return [host(DataType.FLOAT, [floats.length], floats)];
      const ints64 = (getAttr(node, 'value_ints')?.ints ?? []).map((v) => toNumber(v));
      return [host(DataType.INT64, [ints64.length], ints64)];
    },
  },
  Shape: {
    shapeOnly: true,
    host: (inputs, node) => [shapeValue(required(inputs, 0, node).dims, intAttr(node, 'start', 0), intAttr(node, 'end', Number.MAX_SAFE_INTEGER))],
    run: (inputs, ctx) => [shapeValue(shapeOf(required(inputs, 0, ctx.node)), intAttr(ctx.node, 'start', 0), intAttr(ctx.node, 'end', Number.MAX_SAFE_INTEGER))],
  },
  Gather: {
    host(inputs, node) {
      const data = required(inputs, 0, node);
      const idx = required(inputs, 1, node);
      const axis = normAxis(intAttr(node, 'axis', 0), data.dims.length);
      const n = data.dims[axis]!;
      return [hostTake(data, axis, ints(idx, 'indices').map((i) => (i < 0 ? i + n : i)), idx.dims)];
    },
  },
  Cast: {
    host(inputs, node) {
      const x = required(inputs, 0, node);
      const to = intAttr(node, 'to', DataType.FLOAT);
      return [host(to, x.dims, x.data.map((v) => castValue(v, to)))];
    },
    run(inputs, ctx) {
      const x = ctx.tensor(required(inputs, 0, ctx.node));
      const to = intAttr(ctx.node, 'to', DataType.FLOAT);
      if (isFloatType(to)) return [x];
      return [tensorValue(tf.cast(x.t, to === DataType.BOOL ? 'bool' : 'int32'), x.perm)];
    },
  },
};
