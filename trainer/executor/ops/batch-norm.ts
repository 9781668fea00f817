/**
 * BatchNormalization over axis 1. Inference mode uses the running statistics; training mode
 * normalises with the batch's statistics and moves the running ones by `momentum`, as the ONNX
 * spec (opset 14+) defines: running = running * momentum + batch * (1 - momentum), with the
 * population variance.
 */
import * as tf from '@tensorflow/tfjs';
import { floatAttr } from '../attrs.js';
import { OpCheckError } from '../errors.js';
import { materialize, tensorValue, type TensorValue } from '../value.js';
import { required, type OpSpec } from './op.js';

/** A per-channel vector shaped to broadcast over `x`'s physical layout. */
function perChannel(v: tf.Tensor, x: TensorValue): tf.Tensor {
  const shape = x.t.shape.map(() => 1);
  shape[x.perm[1]!] = v.size;
  return tf.reshape(v, shape);
}

export const batchNormOps: Record<string, OpSpec> = {
  BatchNormalization: {
    weightInputs: [1, 2],
    statInputs: [3, 4],
    check(node) {
      if ((node.output ?? []).filter(Boolean).length > 1) throw new OpCheckError('the running mean/var outputs are not supported; the executor updates them itself in training mode');
    },
    run(inputs, ctx) {
      const node = ctx.node;
      const x = ctx.tensor(required(inputs, 0, node));
      const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => materialize(ctx.tensor(required(inputs, i, node))));
      const eps = floatAttr(node, 'epsilon', 1e-5);
      if (!ctx.training) {
        const a = tf.mul(scale!, tf.rsqrt(tf.add(variance!, eps)));
        const b = tf.sub(bias!, tf.mul(mean!, a));
        return [tensorValue(tf.add(tf.mul(x.t, perChannel(a, x)), perChannel(b, x)), x.perm)];
      }
      const axes = x.t.shape.map((_, i) => i).filter((i) => i !== x.perm[1]);
      const m = tf.moments(x.t, axes);
      const normed = tf.mul(tf.sub(x.t, perChannel(m.mean, x)), perChannel(tf.rsqrt(tf.add(m.variance, eps)), x));
      const y = tf.add(tf.mul(normed, perChannel(scale!, x)), perChannel(bias!, x));
      const momentum = floatAttr(node, 'momentum', 0.9);
      ctx.assign(3, tf.add(tf.mul(mean!, momentum), tf.mul(m.mean, 1 - momentum)));
      ctx.assign(4, tf.add(tf.mul(variance!, momentum), tf.mul(m.variance, 1 - momentum)));
      return [tensorValue(y, x.perm)];
    },
  },
};
