import * as tf from '@tensorflow/tfjs';
import type { NanodetHead } from '../../models/families/nanodet.js';
import type { LabelledBox } from '../datasets/dataset.js';
import { anchorGrid, anchorPoints } from './anchors.js';
import { ATSS_DEFAULTS, atssAssign, type AtssOptions } from './atss.js';
import { boxIou } from './box-iou.js';
import { checkHead, foreground, softTargets, withTotal, type DetectionLoss, type LossContext } from './detection-loss.js';
import { boxToDistances, distanceToBoxes } from './distance-boxes.js';
import { distributionFocalLoss, qualityFocalLoss } from './focal.js';
import { expectedDistance, keepColumns, rows } from './tf-ops.js';

/**
 * NanoDet-m's GFL loss (nanodet/model/head/gfl_head.py), on the raw head [B, N, C + 4·bins]:
 * class logits, then each side's distance logits over `bins` positions, anchors in `anchorGrid`
 * order. ATSS picks the foreground; then:
 * - `qfl`: quality focal loss over every anchor and class, the target being the foreground's
 *   predicted-box IoU at its class, divided by the foreground count (at least 1 per image);
 * - `bbox`: 1 − GIoU of the decoded foreground boxes, weighted 2;
 * - `dfl`: distribution focal loss of the four side distributions, weighted 0.25 and averaged
 *   over the sides.
 * `bbox` and `dfl` weigh each foreground anchor by its highest class score and divide by their
 * sum, so anchors the head already recognises steer the boxes most.
 */

export interface NanodetLossOptions extends AtssOptions {
  /** Quality focal loss β. Default 2. */
  beta: number;
  /** Weights of the three terms (loss_qfl, loss_bbox, loss_dfl in nanodet-m.yml). */
  qflWeight: number;
  bboxWeight: number;
  dflWeight: number;
}

export const NANODET_LOSS_DEFAULTS: NanodetLossOptions = { ...ATSS_DEFAULTS, beta: 2, qflWeight: 1, bboxWeight: 2, dflWeight: 0.25 };

/** NanoDet keeps distance targets this far below the last bin (bbox2distance's eps). */
const TARGET_MARGIN = 0.1;

/** Where a grid cell's point lies, by the manifest's `gridCenter`. */
const SHIFTS: Record<NanodetHead['gridCenter'], (stride: number) => number> = {
  'cell-center': (s) => s / 2,
  'pixel-center': (s) => (s - 1) / 2,
  corner: () => 0,
};

export function nanodetLoss(raw: tf.Tensor3D, targets: readonly (readonly LabelledBox[])[], ctx: LossContext<Pick<NanodetHead, 'strides' | 'bins' | 'gridCenter'>>, opts: NanodetLossOptions = NANODET_LOSS_DEFAULTS): DetectionLoss {
  const { bins } = ctx.head;
  const grid = anchorGrid(ctx.inputWidth, ctx.inputHeight, ctx.head.strides);
  const numClasses = checkHead('nanodet', raw, grid, 4 * bins, targets);
  const [batch, n, k] = raw.shape;
  const centre = anchorPoints(grid, SHIFTS[ctx.head.gridCenter]);
  const assignments = targets.map((gt) => atssAssign({ gt, centreX: centre.x, centreY: centre.y, stride: grid.stride, levelSizes: grid.levels.map((l) => l.n) }, opts));
  const fg = foreground(assignments, targets, n);
  const count = fg.rows.length;

  const { total, parts } = tf.tidy(() => {
    const flat = tf.reshape(raw, [batch * n, k]) as tf.Tensor2D;
    const box = count > 0 ? boxTerms(rows(flat, fg.rows)) : null;
    const samples = assignments.reduce((s, a) => s + Math.max(a.anchors.length, 1), 0);
    // Class columns come first, so a class index is its column.
    const target = softTargets(batch * n, k, fg.rows, fg.classes, box?.iouTarget ?? []);
    const qfl = tf.mul(tf.div(tf.sum(keepColumns(qualityFocalLoss(flat, target, opts.beta), 0, numClasses)), samples), opts.qflWeight) as tf.Scalar;
    return withTotal({ qfl, bbox: box?.bbox ?? tf.scalar(0), dfl: box?.dfl ?? tf.scalar(0) });
  });
  return { total, parts, foreground: count, assignments };

  /** GIoU and DFL of the foreground rows, and the IoU each predicted box reached (the QFL target). */
  function boxTerms(fgRows: tf.Tensor2D): { bbox: tf.Scalar; dfl: tf.Scalar; iouTarget: Float32Array } {
    const fgLogits = tf.slice(fgRows, [0, numClasses], [-1, 4 * bins]);
    const predFg = distanceToBoxes(expectedDistance(fgLogits, bins), fg.anchor, centre, grid);
    const targetBoxes = tf.tensor2d(fg.boxes, [count, 4]);
    // Targets read from the predictions are constants: the IoU each box reached, the score it has.
    const iouTarget = boxIou(predFg, targetBoxes, 'iou').dataSync() as Float32Array;
    const weights = tf.max(tf.sigmoid(tf.slice(fgRows, [0, 0], [-1, numClasses])), -1).dataSync() as Float32Array;
    const weightSum = weights.reduce((s, w) => s + w, 0);
    if (!(weightSum > 0)) return { bbox: tf.scalar(0), dfl: tf.scalar(0), iouTarget };
    const w = tf.tensor1d(weights);

    const giou = boxIou(predFg, targetBoxes, 'giou');
    const bbox = tf.mul(tf.div(tf.sum(tf.mul(tf.sub(1, giou), w)), weightSum), opts.bboxWeight) as tf.Scalar;
    const sides = new Float32Array(count * 4);
    for (let i = 0; i < count; i++) {
      const a = fg.anchor[i]!;
      sides.set(boxToDistances(centre.x[a]!, centre.y[a]!, fg.boxes.subarray(i * 4, i * 4 + 4), grid.stride[a]!, bins - 1 - TARGET_MARGIN), i * 4);
    }
    const perSide = distributionFocalLoss(tf.reshape(fgLogits, [count * 4, bins]) as tf.Tensor2D, sides);
    const weighted = tf.mul(tf.sum(tf.reshape(perSide, [count, 4]), -1), w);
    const dfl = tf.mul(tf.div(tf.div(tf.sum(weighted), 4), weightSum), opts.dflWeight) as tf.Scalar;
    return { bbox, dfl, iouTarget };
  }
}
