import * as tf from '@tensorflow/tfjs';
import type { LabelledBox } from '../datasets/dataset.js';
import { sidesIou, type IouKind, type Sides } from './box-iou.js';

/**
 * The IoU (or GIoU, CIoU) of every ground-truth box with every predicted box of one image, as
 * plain numbers for an assigner: [m · anchors + a]. Each pair is laid out element by element, so
 * TF.js runs same-shape kernels (its CPU backend broadcasts an [M, 1] against a [1, N] one element
 * at a time, far slower).
 */
export function pairwiseIou(gt: readonly LabelledBox[], boxes: Float32Array, kind: IouKind): Float32Array {
  const m = gt.length;
  const n = boxes.length / 4;
  const a = [0, 1, 2, 3].map(() => new Float32Array(m * n));
  const b = [0, 1, 2, 3].map(() => new Float32Array(m * n));
  gt.forEach(({ box }, i) => {
    for (let j = 0; j < n; j++) {
      for (let side = 0; side < 4; side++) {
        a[side]![i * n + j] = box[side]!;
        b[side]![i * n + j] = boxes[j * 4 + side]!;
      }
    }
  });
  return tf.tidy(() => sidesIou(a.map((s) => tf.tensor1d(s)) as Sides, b.map((s) => tf.tensor1d(s)) as Sides, kind).dataSync() as Float32Array);
}
