/** Elementwise ops: broadcasting arithmetic and activations. Storage order passes through. */
import * as tf from '@tensorflow/tfjs';
import { floatAttr } from '../attrs.js';
import { hostBinary } from '../host.js';
import { alignPair, tensorValue, type HostValue, type TensorValue, type Value } from '../value.js';
import { required, type OpSpec, type RunContext } from './op.js';

function binary(tfOp: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, hostOp: (x: number, y: number) => number): OpSpec {
  return {
    host: (inputs, node) => [hostBinary(required(inputs, 0, node), required(inputs, 1, node), hostOp)],
    run(inputs, ctx) {
      const { a, b, perm } = alignPair(ctx.tensor(required(inputs, 0, ctx.node)), ctx.tensor(required(inputs, 1, ctx.node)));
      return [tensorValue(tfOp(a, b), perm)];
    },
  };
}

function unary(tfOp: (x: tf.Tensor, ctx: RunContext) => tf.Tensor): OpSpec {
  return {
    run(inputs, ctx) {
      const x: TensorValue = ctx.tensor(required(inputs, 0, ctx.node));
      return [tensorValue(tfOp(x.t, ctx), x.perm)];
    },
  };
}

export const elementwiseOps: Record<string, OpSpec> = {
  Add: binary(tf.add, (x, y) => x + y),
  Sub: binary(tf.sub, (x, y) => x - y),
  Mul: binary(tf.mul, (x, y) => x * y),
  Div: binary(tf.div, (x, y) => x / y),
  Sigmoid: unary((x) => tf.sigmoid(x)),
  Relu: unary((x) => tf.relu(x)),
  LeakyRelu: unary((x, ctx) => tf.leakyRelu(x, floatAttr(ctx.node, 'alpha', 0.01))),
  Identity: {
    host: (inputs, node) => [required<HostValue>(inputs, 0, node)],
    run: (inputs, ctx) => [required<Value>(inputs, 0, ctx.node)],
  },
};
