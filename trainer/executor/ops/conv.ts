/**
 * Conv (2-D; plain, depthwise and grouped) on NHWC tensors with HWIO filters. Filters are stored
 * as HWIO variables from the start, so no weight is transposed per step.
 */
import * as tf from '@tensorflow/tfjs';
import type { NodeProto } from '../../onnx/index.js';
import { intAttr, intsAttr, stringAttr } from '../attrs.js';
import { OpCheckError } from '../errors.js';
import { HWIO, NHWC } from '../layout.js';
import { materialize, tensorValue, toPerm } from '../value.js';
import { required, type OpSpec } from './op.js';

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** Pads as [top, bottom, left, right] for an input of `size` [H, W]. */
export function convPads(node: NodeProto, size: readonly number[], kernel: readonly number[], strides: readonly number[]): number[] {
  const auto = stringAttr(node, 'auto_pad', 'NOTSET');
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto === 'NOTSET') {
    const [t = 0, l = 0, b = 0, r = 0] = intsAttr(node, 'pads') ?? [];
    return [t, b, l, r];
  }
  const [ph, pw] = [0, 1].map((d) => {
    const out = Math.ceil(size[d]! / strides[d]!);
    const total = Math.max((out - 1) * strides[d]! + kernel[d]! - size[d]!, 0);
    const begin = auto === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    return [begin, total - begin];
  });
  return [...ph!, ...pw!];
}

/** TF.js padding: a number when all four sides agree (what fused kernels accept), else explicit. */
export function tfPad(pads: readonly number[]): number | [[number, number], [number, number], [number, number], [number, number]] {
  const [t, b, l, r] = pads as [number, number, number, number];
  if (t === b && b === l && l === r) return t;
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}

export const convOps: Record<string, OpSpec> = {
  Conv: {
    weightInputs: [1, 2],
    weightPerm: (slot, rank) => (slot === 1 && rank === 4 ? HWIO : undefined),
    check(node) {
      const auto = stringAttr(node, 'auto_pad', 'NOTSET');
      if (!AUTO_PADS.includes(auto)) throw new OpCheckError(`auto_pad '${auto}' is not one of ${AUTO_PADS.join(', ')}`);
      const dil = intsAttr(node, 'dilations') ?? [];
      if (dil.some((d) => d !== 1)) throw new OpCheckError(`dilations [${dil.join(', ')}] are not supported (TF.js has no gradient for dilated convolutions)`);
      const kernel = intsAttr(node, 'kernel_shape');
      if (kernel && kernel.length !== 2) throw new OpCheckError(`only 2-D convolutions are supported, kernel_shape is [${kernel.join(', ')}]`);
    },
    run(inputs, ctx) {
      const node = ctx.node;
      const w = toPerm(ctx.tensor(required(inputs, 1, node)), HWIO) as tf.Tensor4D;
      const x = toPerm(ctx.tensor(required(inputs, 0, node)), NHWC) as tf.Tensor4D;
      const bias = inputs[2] ? (materialize(ctx.tensor(inputs[2])) as tf.Tensor1D) : undefined;
      const strides = (intsAttr(node, 'strides') ?? [1, 1]) as [number, number];
      const kernel = [w.shape[0], w.shape[1]];
      const pads = convPads(node, [x.shape[1], x.shape[2]], kernel, strides);
      const group = intAttr(node, 'group', 1);
      const cin = x.shape[3];
      const cout = w.shape[3];
      if (w.shape[2] * group !== cin) throw new OpCheckError(`input has ${cin} channels, the filter expects ${w.shape[2]} x group ${group}`);
      let y: tf.Tensor4D;
      if (group === 1) {
        y = tf.fused.conv2d({ x, filter: w, strides, pad: tfPad(pads), bias });
      } else if (group === cin && cout % cin === 0) {
        y = depthwise(x, tf.reshape(w, [kernel[0]!, kernel[1]!, cin, cout / cin]), strides, pads, bias);
      } else {
        const xs = tf.split(x, group, 3) as tf.Tensor4D[];
        const ws = tf.split(w, group, 3) as tf.Tensor4D[];
        y = tf.concat(
          xs.map((xi, i) => tf.conv2d(xi, ws[i]!, strides, tfPad(pads))),
          3,
        );
        if (bias) y = tf.add(y, bias);
      }
      return [tensorValue(y, NHWC)];
    },
  },
};

function depthwise(x: tf.Tensor4D, filter: tf.Tensor4D, strides: [number, number], pads: readonly number[], bias: tf.Tensor1D | undefined): tf.Tensor4D {
  const pad = tfPad(pads);
  // The fused depthwise op takes only uniform padding; other pads go through the plain op.
  if (typeof pad === 'number') return tf.fused.depthwiseConv2d({ x, filter, strides, pad, bias });
  const y = tf.depthwiseConv2d(x, filter, strides, pad);
  return bias ? tf.add(y, bias) : y;
}
