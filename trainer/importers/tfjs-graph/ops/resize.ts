/**
 * ResizeBilinear / ResizeNearestNeighbor -> ONNX Resize with explicit output sizes, run in NCHW.
 * TF's align_corners / half_pixel_centers pick the coordinate transformation:
 *   bilinear: align_corners -> 'align_corners', half_pixel_centers -> 'half_pixel', else 'asymmetric'
 *   nearest:  align_corners -> 'align_corners' + round, half_pixel_centers -> 'half_pixel' + round,
 *             else 'asymmetric' + floor (TF.js and TF compute it the same way).
 */
import { attr } from '../../../onnx/index.js';
import { attrBool } from '../attrs.js';
import { NCHW_FROM_NHWC, shapeOf } from '../context.js';
import type { OpHandler } from './types.js';

function resizeOp(mode: 'linear' | 'nearest'): OpHandler {
  return (ctx, node, inputs) => {
    const x = ctx.input(inputs, 0);
    const s = shapeOf(x);
    if (s.length !== 4) throw ctx.unsupported(`only 4-D NHWC inputs are supported, got [${s.join(', ')}]`);
    const size = ctx.constInput(inputs, 1, 'size').toNumbers();
    if (size.length !== 2) throw ctx.error(`size must hold [height, width], got [${size.join(', ')}]`);
    const [n, , , c] = s as [number, number, number, number];
    const [oh, ow] = size as [number, number];
    const align = attrBool(node, 'align_corners');
    const half = attrBool(node, 'half_pixel_centers');
    const attrs: Record<string, ReturnType<typeof attr.string>> = { mode: attr.string(mode) };
    if (mode === 'linear') {
      attrs.coordinate_transformation_mode = attr.string(align ? 'align_corners' : half ? 'half_pixel' : 'asymmetric');
    } else {
      // TF's half-pixel nearest, floor((x + 0.5) / scale), is round_prefer_ceil of ONNX's half_pixel
      // source coordinate (x + 0.5) / scale - 0.5; this avoids 'tf_half_pixel_for_nn', deprecated in opset 13.
      attrs.coordinate_transformation_mode = attr.string(align ? 'align_corners' : half ? 'half_pixel' : 'asymmetric');
      attrs.nearest_mode = attr.string(align || half ? 'round_prefer_ceil' : 'floor');
    }
    const name = ctx.emit1('Resize', [ctx.materialize(x, NCHW_FROM_NHWC, 'float32'), '', '', ctx.int64([n, c, oh, ow])], attrs);
    return [ctx.dyn(name, [n, oh, ow, c], 'float32', NCHW_FROM_NHWC)];
  };
}

export const resizeOps: Record<string, OpHandler> = {
  ResizeBilinear: resizeOp('linear'),
  ResizeNearestNeighbor: resizeOp('nearest'),
};
