import * as tf from '@tensorflow/tfjs';
import type { YoloxHead } from '../../models/families/yolox.js';
import type { LabelledBox } from '../datasets/dataset.js';
import { anchorGrid, anchorPoints, type AnchorGrid } from './anchors.js';
import { emptyAssignment } from './assignment.js';
import { boxIou } from './box-iou.js';
import { checkHead, foreground, softTargets, withTotal, type DetectionLoss, type LossContext } from './detection-loss.js';
import { everyAnchor, perAnchor } from './distance-boxes.js';
import { pairwiseIou } from './pairwise.js';
import { SIMOTA_DEFAULTS, simOtaAssign, type SimOtaOptions } from './simota.js';
import { bceWithLogits, rows } from './tf-ops.js';

/**
 * YOLOX's training loss (yolox/models/yolo_head.py get_losses), on the raw head
 * [B, N, 4 + 1 + C]: dx, dy, log w, log h, objectness logit, class logits, anchors in
 * `anchorGrid` order (the export's output before its sigmoids and grid decode). SimOTA picks the
 * foreground; then, each summed and divided by the foreground count:
 * - `iou`: 1 − IoU² of the decoded foreground boxes, weighted 5;
 * - `obj`: BCE of every anchor's objectness against 1 for foreground, 0 for the rest;
 * - `cls`: BCE of the foreground's class logits against one-hot × the box's predicted IoU.
 * The L1 term YOLOX adds for its last, augmentation-free epochs is not included.
 */

export interface YoloxLossOptions extends SimOtaOptions {
  /** Weight of the IoU loss (YOLOX's reg_weight). Default 5. */
  boxWeight: number;
}

export const YOLOX_LOSS_DEFAULTS: YoloxLossOptions = { ...SIMOTA_DEFAULTS, boxWeight: 5 };

export function yoloxLoss(raw: tf.Tensor3D, targets: readonly (readonly LabelledBox[])[], ctx: LossContext<Pick<YoloxHead, 'strides'>>, opts: YoloxLossOptions = YOLOX_LOSS_DEFAULTS): DetectionLoss {
  const grid = anchorGrid(ctx.inputWidth, ctx.inputHeight, ctx.head.strides);
  const numClasses = checkHead('yolox', raw, grid, 5, targets);
  const [batch, n, k] = raw.shape;
  const centre = anchorPoints(grid);
  const flat = tf.reshape(raw, [batch * n, k]) as tf.Tensor2D;
  try {
    const values = flat.dataSync() as Float32Array;
    const assignments = targets.map((gt, b) => {
      if (gt.length === 0) return emptyAssignment();
      const boxes = tf.tidy(() => decode(tf.slice(flat, [b * n, 0], [n, k]), everyAnchor(n), grid).dataSync() as Float32Array);
      const probs = jointScores(values.subarray(b * n * k, (b + 1) * n * k), k, numClasses);
      return simOtaAssign({ gt, centreX: centre.x, centreY: centre.y, stride: grid.stride, pairIou: pairwiseIou(gt, boxes, 'iou'), probs, numClasses }, opts);
    });
    const fg = foreground(assignments, targets, n);
    const count = fg.rows.length;
    const divisor = Math.max(count, 1);

    const { total, parts } = tf.tidy(() => {
      const objTarget = new Float32Array(batch * n);
      for (const r of fg.rows) objTarget[r] = 1;
      const obj = tf.slice(flat, [0, 4], [-1, 1]);
      const objLoss = tf.div(tf.sum(bceWithLogits(obj, tf.tensor2d(objTarget, [batch * n, 1]))), divisor) as tf.Scalar;
      if (count === 0) return withTotal({ iou: tf.scalar(0), obj: objLoss, cls: tf.scalar(0) });

      const fgRows = rows(flat, fg.rows);
      const iou = boxIou(decode(fgRows, fg.anchor, grid), tf.tensor2d(fg.boxes, [count, 4]), 'iou');
      const iouLoss = tf.mul(tf.div(tf.sum(tf.sub(1, tf.square(iou))), divisor), opts.boxWeight) as tf.Scalar;
      const clsFg = tf.slice(fgRows, [0, 5], [-1, numClasses]);
      const target = softTargets(count, numClasses, everyAnchor(count), fg.classes, fg.quality);
      const clsLoss = tf.div(tf.sum(bceWithLogits(clsFg, target)), divisor) as tf.Scalar;
      return withTotal({ iou: iouLoss, obj: objLoss, cls: clsLoss });
    });
    return { total, parts, foreground: count, assignments };
  } finally {
    flat.dispose();
  }
}

/** YOLOX's decode of head rows: centre (d + g) · s from the cell corner, size e^t · s. */
function decode(headRows: tf.Tensor2D, anchors: ArrayLike<number>, grid: AnchorGrid): tf.Tensor2D {
  return tf.tidy(() => {
    const cell = perAnchor(anchors, 2, (a) => [grid.gx[a]!, grid.gy[a]!]);
    const stride = perAnchor(anchors, 2, (a) => [grid.stride[a]!, grid.stride[a]!]);
    const xy = tf.mul(tf.add(tf.slice(headRows, [0, 0], [-1, 2]), cell), stride);
    const half = tf.mul(tf.exp(tf.slice(headRows, [0, 2], [-1, 2])), tf.div(stride, 2));
    return tf.concat([tf.sub(xy, half), tf.add(xy, half)], 1) as tf.Tensor2D;
  });
}

/** SimOTA's class score: sqrt(σ(cls) · σ(obj)) per anchor and class, from one image's head values. */
function jointScores(image: Float32Array, k: number, numClasses: number): Float32Array {
  const n = image.length / k;
  const out = new Float32Array(n * numClasses);
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  for (let a = 0; a < n; a++) {
    const obj = sigmoid(image[a * k + 4]!);
    for (let c = 0; c < numClasses; c++) out[a * numClasses + c] = Math.sqrt(sigmoid(image[a * k + 5 + c]!) * obj);
  }
  return out;
}
