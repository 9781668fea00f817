/**
 * Softmax. Opset 13+ normalises along one axis; earlier opsets flatten to 2-D at `axis` and
 * normalise each row (which the lazy reshape usually does without copying).
 */
import * as tf from '@tensorflow/tfjs';
import { intAttr } from '../attrs.js';
import { normAxis } from '../layout.js';
import { reshapeValue, shapeOf, tensorValue, type TensorValue } from '../value.js';
import { required, type OpSpec } from './op.js';

/** Softmax along physical axis `axis`; TF.js' kernel only does the last one. */
function softmaxAlong(t: tf.Tensor, axis: number): tf.Tensor {
  if (axis === t.rank - 1) return tf.softmax(t);
  const e = tf.exp(tf.sub(t, tf.max(t, axis, true)));
  return tf.div(e, tf.sum(e, axis, true));
}

function softmax1d(x: TensorValue, axis: number): TensorValue {
  return tensorValue(softmaxAlong(x.t, x.perm[axis]!), x.perm);
}

export const softmaxOps: Record<string, OpSpec> = {
  Softmax: {
    run(inputs, ctx) {
      const x = ctx.tensor(required(inputs, 0, ctx.node));
      const shape = shapeOf(x);
      if (ctx.opset >= 13) return [softmax1d(x, normAxis(intAttr(ctx.node, 'axis', -1), shape.length))];
      const axis = normAxis(intAttr(ctx.node, 'axis', 1), shape.length);
      const rows = shape.slice(0, axis).reduce((p, d) => p * d, 1);
      const flat = reshapeValue(x, [rows, shape.length === axis ? 1 : shape.slice(axis).reduce((p, d) => p * d, 1)]);
      return [reshapeValue(softmax1d(flat, 1), shape)];
    },
  },
};
