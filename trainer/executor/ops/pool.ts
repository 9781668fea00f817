/** MaxPool (2-D, one output) on NHWC tensors. */
import * as tf from '@tensorflow/tfjs';
import { intAttr, intsAttr, stringAttr } from '../attrs.js';
import { OpCheckError } from '../errors.js';
import { NHWC } from '../layout.js';
import { tensorValue, toPerm } from '../value.js';
import { convPads, tfPad } from './conv.js';
import { required, type OpSpec } from './op.js';

/** Extra end padding that makes floor-mode TF.js produce ONNX ceil_mode output sizes. */
function ceilExtra(size: number, k: number, s: number, begin: number, end: number): number {
  let out = Math.ceil((size + begin + end - k) / s) + 1;
  // As in ONNX and PyTorch, the last window must start inside the input or the begin pad.
  if ((out - 1) * s >= size + begin) out--;
  return Math.max(0, (out - 1) * s + k - (size + begin + end));
}

export const poolOps: Record<string, OpSpec> = {
  MaxPool: {
    check(node) {
      const k = intsAttr(node, 'kernel_shape') ?? [];
      if (k.length !== 2) throw new OpCheckError(`only 2-D pooling is supported, kernel_shape is [${k.join(', ')}]`);
      if ((intsAttr(node, 'dilations') ?? []).some((d) => d !== 1)) throw new OpCheckError('dilations are not supported');
      if (intAttr(node, 'storage_order', 0) !== 0) throw new OpCheckError('storage_order 1 is not supported');
      if ((node.output ?? []).filter(Boolean).length > 1) throw new OpCheckError('the Indices output is not supported');
      const auto = stringAttr(node, 'auto_pad', 'NOTSET');
      if (!['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(auto)) throw new OpCheckError(`auto_pad '${auto}' is not supported`);
    },
    run(inputs, ctx) {
      const x = toPerm(ctx.tensor(required(inputs, 0, ctx.node)), NHWC) as tf.Tensor4D;
      const kernel = intsAttr(ctx.node, 'kernel_shape') as [number, number];
      const strides = (intsAttr(ctx.node, 'strides') ?? [1, 1]) as [number, number];
      const pads = convPads(ctx.node, [x.shape[1], x.shape[2]], kernel, strides);
      if (intAttr(ctx.node, 'ceil_mode', 0) === 1) {
        pads[1] = pads[1]! + ceilExtra(x.shape[1], kernel[0], strides[0], pads[0]!, pads[1]!);
        pads[3] = pads[3]! + ceilExtra(x.shape[2], kernel[1], strides[1], pads[2]!, pads[3]!);
      }
      return [tensorValue(tf.maxPool(x, kernel, strides, tfPad(pads)), NHWC)];
    },
  },
};
