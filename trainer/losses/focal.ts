import * as tf from '@tensorflow/tfjs';
import { bceWithLogits } from './tf-ops.js';

/** The two losses of Generalized Focal Loss (Li et al. 2020), used by NanoDet and YOLOv8. */

/**
 * Quality focal loss, elementwise: BCE(x, t) · |t − σ(x)|^β. The target t is the box's IoU at
 * its class and 0 elsewhere, so the class score learns to predict localisation quality, and the
 * factor |t − σ(x)|^β quiets the many easy negatives as focal loss does.
 */
export function qualityFocalLoss(logits: tf.Tensor, targets: tf.Tensor, beta = 2): tf.Tensor {
  return tf.tidy(() => tf.mul(bceWithLogits(logits, targets), tf.pow(tf.abs(tf.sub(targets, tf.sigmoid(logits))), beta)));
}

/**
 * Distribution focal loss per row: for a target distance y between bins i and i + 1, the
 * cross-entropy at both bins weighted by closeness, (i + 1 − y)·CE(i) + (y − i)·CE(i + 1), which
 * pulls the distribution's mass onto the two bins around y. `targets` must lie in [0, bins − 1).
 */
export function distributionFocalLoss(logits: tf.Tensor2D, targets: ArrayLike<number>): tf.Tensor1D {
  const [rows, bins] = logits.shape;
  if (targets.length !== rows) throw new RangeError(`distributionFocalLoss: ${rows} rows of logits but ${targets.length} targets`);
  const weights = new Float32Array(rows * bins);
  for (let r = 0; r < rows; r++) {
    const y = targets[r]!;
    const left = Math.floor(y);
    if (!(left >= 0 && left + 1 < bins)) throw new RangeError(`distributionFocalLoss: target ${y} is outside [0, ${bins - 1})`);
    weights[r * bins + left] = left + 1 - y;
    weights[r * bins + left + 1] = y - left;
  }
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.tensor2d(weights, [rows, bins])), -1)) as tf.Tensor1D);
}
