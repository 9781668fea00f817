import * as tf from '@tensorflow/tfjs';
import type { Yolov8Head } from '../../models/families/yolov8.js';
import type { LabelledBox } from '../datasets/dataset.js';
import { expectedDistances } from '../../models/families/nanodet.js';
import { anchorGrid, anchorPoints, type AnchorGrid } from './anchors.js';
import { emptyAssignment } from './assignment.js';
import { boxIou } from './box-iou.js';
import { checkHead, foreground, softTargets, withTotal, type DetectionLoss, type LossContext } from './detection-loss.js';
import { boxToDistances, distanceToBoxes } from './distance-boxes.js';
import { distributionFocalLoss } from './focal.js';
import { pairwiseIou } from './pairwise.js';
import { TASK_ALIGNED_DEFAULTS, taskAlignedAssign, type TaskAlignedOptions } from './task-aligned.js';
import { bceWithLogits, expectedDistance, keepColumns, rows } from './tf-ops.js';

/**
 * Ultralytics YOLOv8's detection loss (ultralytics/utils/loss.py v8DetectionLoss), on the raw head
 * [B, N, 4·regMax + C]: each side's distance logits over `regMax` bins, then class logits, anchors
 * in `anchorGrid` order (the Detect head's concatenation before its DFL and sigmoid). The
 * task-aligned assigner picks the foreground and a soft class target for each; with S the sum of
 * those targets (at least 1):
 * - `box`: (1 − CIoU) of the decoded foreground boxes, weighted by their targets, / S, × 7.5;
 * - `cls`: BCE of every anchor's class logits against the soft targets, / S, × 0.5;
 * - `dfl`: distribution focal loss averaged over the four sides, weighted alike, / S, × 1.5.
 * Ultralytics multiplies the total by the batch size before its backward pass; this returns the
 * per-batch value and leaves the scale to the learning rate.
 */

export interface Yolov8LossOptions extends TaskAlignedOptions {
  /** Gains of the three terms (Ultralytics' box, cls and dfl hyperparameters). */
  boxGain: number;
  clsGain: number;
  dflGain: number;
}

export const YOLOV8_LOSS_DEFAULTS: Yolov8LossOptions = { ...TASK_ALIGNED_DEFAULTS, boxGain: 7.5, clsGain: 0.5, dflGain: 1.5 };

/** Ultralytics keeps distance targets this far below the last bin. */
const TARGET_MARGIN = 0.01;

export function yolov8Loss(raw: tf.Tensor3D, targets: readonly (readonly LabelledBox[])[], ctx: LossContext<Pick<Yolov8Head, 'strides' | 'regMax'>>, opts: Yolov8LossOptions = YOLOV8_LOSS_DEFAULTS): DetectionLoss {
  const { regMax } = ctx.head;
  const grid = anchorGrid(ctx.inputWidth, ctx.inputHeight, ctx.head.strides);
  const numClasses = checkHead('yolov8', raw, grid, 4 * regMax, targets);
  const [batch, n, k] = raw.shape;
  const boxCols = 4 * regMax;
  const centre = anchorPoints(grid);
  const flat = tf.reshape(raw, [batch * n, k]) as tf.Tensor2D;
  try {
    const values = flat.dataSync() as Float32Array;
    const assignments = targets.map((gt, b) => {
      if (gt.length === 0) return emptyAssignment();
      const image = values.subarray(b * n * k, (b + 1) * n * k);
      // Ultralytics' assigner compares CIoU clamped at 0.
      const pairOverlap = pairwiseIou(gt, boxValues(image, k, regMax, centre, grid), 'ciou').map((v) => Math.max(v, 0));
      return taskAlignedAssign({ gt, centreX: centre.x, centreY: centre.y, pairOverlap, probs: classScores(image, k, boxCols), numClasses }, opts);
    });
    const fg = foreground(assignments, targets, n);
    const count = fg.rows.length;
    const scoreSum = Math.max(fg.quality.reduce((s, q) => s + q, 0), 1);

    const { total, parts } = tf.tidy(() => {
      const clsTarget = softTargets(batch * n, k, fg.rows, Int32Array.from(fg.classes, (c) => boxCols + c), fg.quality);
      const clsLoss = tf.mul(tf.div(tf.sum(keepColumns(bceWithLogits(flat, clsTarget), boxCols, k)), scoreSum), opts.clsGain) as tf.Scalar;
      if (count === 0) return withTotal({ box: tf.scalar(0), cls: clsLoss, dfl: tf.scalar(0) });

      const weight = tf.tensor1d(fg.quality);
      const fgRows = rows(flat, fg.rows);
      const fgLogits = tf.slice(fgRows, [0, 0], [-1, boxCols]);
      const predFg = distanceToBoxes(expectedDistance(fgLogits, regMax), fg.anchor, centre, grid);
      const ciou = boxIou(predFg, tf.tensor2d(fg.boxes, [count, 4]), 'ciou');
      const boxLoss = tf.mul(tf.div(tf.sum(tf.mul(tf.sub(1, ciou), weight)), scoreSum), opts.boxGain) as tf.Scalar;

      const sides = new Float32Array(count * 4);
      for (let i = 0; i < count; i++) {
        const a = fg.anchor[i]!;
        sides.set(boxToDistances(centre.x[a]!, centre.y[a]!, fg.boxes.subarray(i * 4, i * 4 + 4), grid.stride[a]!, regMax - 1 - TARGET_MARGIN), i * 4);
      }
      const perSide = tf.reshape(distributionFocalLoss(tf.reshape(fgLogits, [count * 4, regMax]) as tf.Tensor2D, sides), [count, 4]);
      const dflLoss = tf.mul(tf.div(tf.sum(tf.mul(tf.mean(perSide, -1), weight)), scoreSum), opts.dflGain) as tf.Scalar;
      return withTotal({ box: boxLoss, cls: clsLoss, dfl: dflLoss });
    });
    return { total, parts, foreground: count, assignments };
  } finally {
    flat.dispose();
  }
}

/**
 * Every anchor's predicted box from one image's head values, as deployment decodes it (the
 * device's GFL expectation), for the assigner: the same numbers `distanceToBoxes` gives, without
 * running TF.js over the whole head.
 */
function boxValues(image: Float32Array, k: number, regMax: number, centre: { x: Float32Array; y: Float32Array }, grid: AnchorGrid): Float32Array {
  const n = image.length / k;
  const out = new Float32Array(n * 4);
  const d = new Float64Array(4);
  for (let a = 0; a < n; a++) {
    expectedDistances(image, a * k, regMax, d);
    const s = grid.stride[a]!;
    out.set([centre.x[a]! - d[0]! * s, centre.y[a]! - d[1]! * s, centre.x[a]! + d[2]! * s, centre.y[a]! + d[3]! * s], a * 4);
  }
  return out;
}

/** σ of each class logit, per anchor, from one image's head values: the assigner's scores. */
function classScores(image: Float32Array, k: number, boxCols: number): Float32Array {
  const n = image.length / k;
  const numClasses = k - boxCols;
  const out = new Float32Array(n * numClasses);
  for (let a = 0; a < n; a++) for (let c = 0; c < numClasses; c++) out[a * numClasses + c] = 1 / (1 + Math.exp(-image[a * k + boxCols + c]!));
  return out;
}
