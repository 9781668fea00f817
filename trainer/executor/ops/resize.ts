/**
 * Resize (opset 11+) of the two spatial axes of an NCHW tensor, mapped onto TF.js
 * resizeNearestNeighbor / resizeBilinear where their sampling is the same as ONNX's.
 */
import * as tf from '@tensorflow/tfjs';
import type { NodeProto } from '../../onnx/index.js';
import { stringAttr } from '../attrs.js';
import { OpCheckError } from '../errors.js';
import { NHWC } from '../layout.js';
import { shapeOf, tensorValue, toPerm, type HostValue } from '../value.js';
import { required, type OpSpec } from './op.js';

interface Sampling {
  bilinear: boolean;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** The TF.js sampling equal to the node's modes, or why there is none. */
function sampling(node: NodeProto): Sampling | string {
  const mode = stringAttr(node, 'mode', 'nearest');
  const ctm = stringAttr(node, 'coordinate_transformation_mode', 'half_pixel');
  const nearest = stringAttr(node, 'nearest_mode', 'round_prefer_floor');
  const halfPixel = ctm === 'half_pixel' || ctm === 'pytorch_half_pixel';
  if (mode === 'nearest') {
    // TF.js picks floor(x * in/out), or floor((x + 0.5) * in/out) with half-pixel centers.
    if (ctm === 'asymmetric' && nearest === 'floor') return { bilinear: false, alignCorners: false, halfPixelCenters: false };
    if (halfPixel && nearest === 'round_prefer_ceil') return { bilinear: false, alignCorners: false, halfPixelCenters: true };
    return `nearest with coordinate_transformation_mode '${ctm}' and nearest_mode '${nearest}' is not supported (asymmetric+floor and half_pixel+round_prefer_ceil are)`;
  }
  if (mode === 'linear') {
    if (halfPixel) return { bilinear: true, alignCorners: false, halfPixelCenters: true };
    if (ctm === 'align_corners') return { bilinear: true, alignCorners: true, halfPixelCenters: false };
    if (ctm === 'asymmetric') return { bilinear: true, alignCorners: false, halfPixelCenters: false };
    return `linear with coordinate_transformation_mode '${ctm}' is not supported`;
  }
  return `mode '${mode}' is not supported (nearest and linear are)`;
}

export const resizeOps: Record<string, OpSpec> = {
  Resize: {
    staticInputs: [1, 2, 3],
    check(node, opset) {
      if (opset < 11) throw new OpCheckError(`opset ${opset} Resize is not supported (opset 11+ is)`);
      const s = sampling(node);
      if (typeof s === 'string') throw new OpCheckError(s);
    },
    run(inputs, ctx) {
      const x = ctx.tensor(required(inputs, 0, ctx.node));
      const shape = shapeOf(x);
      if (shape.length !== 4) throw new OpCheckError(`only 4-D (NCHW) inputs are supported, got rank ${shape.length}`);
      const sizes = (inputs[3] as HostValue | undefined)?.data ?? [];
      const scales = (inputs[2] as HostValue | undefined)?.data ?? [];
      const out = sizes.length === 4 ? sizes : scales.length === 4 ? shape.map((d, i) => Math.floor(d * scales[i]!)) : undefined;
      if (!out) throw new OpCheckError('needs 4 scales or 4 sizes');
      // Exported sizes may carry the export batch; only the spatial axes are resized.
      if (out[1] !== shape[1]) throw new OpCheckError(`resizing channels (${shape[1]} to ${out[1]}) is not supported`);
      const s = sampling(ctx.node) as Sampling;
      const nhwc = toPerm(x, NHWC) as tf.Tensor4D;
      const size: [number, number] = [out[2]!, out[3]!];
      const y = s.bilinear ? tf.image.resizeBilinear(nhwc, size, s.alignCorners, s.halfPixelCenters) : tf.image.resizeNearestNeighbor(nhwc, size, s.alignCorners, s.halfPixelCenters);
      return [tensorValue(y, NHWC)];
    },
  },
};
