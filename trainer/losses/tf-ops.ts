import * as tf from '@tensorflow/tfjs';

/** Small differentiable pieces the three losses share. */

/**
 * Binary cross-entropy on logits, elementwise: softplus(x) − x·t. Stable for large |x|, and its
 * gradient is exactly sigmoid(x) − t everywhere (a relu/abs form has a kink at x = 0, where an
 * untrained head's logits often sit).
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.sub(tf.softplus(logits), tf.mul(logits, targets));
}

/** The value unchanged, with no gradient flowing back through it (torch's `.detach()`). */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((x) => ({
  value: tf.clone(x as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/**
 * GFL's integral: the expected bin of a softmax over the last axis, bins valued 0..bins−1.
 * [..., 4·bins] logits -> [..., 4] distances in stride units.
 */
export function expectedDistance(logits: tf.Tensor, bins: number): tf.Tensor {
  const shape = logits.shape.slice(0, -1);
  const probs = tf.softmax(tf.reshape(logits, [...shape, 4, bins]));
  return tf.sum(tf.mul(probs, tf.range(0, bins)), -1);
}

/**
 * `t` [rows, K] with the columns outside [from, to) zeroed, by a multiply with a 0/1 row. For
 * terms over every anchor it replaces slicing the columns out, which TF.js' CPU backend does one
 * element at a time (tens of times slower on a whole head).
 */
export function keepColumns(t: tf.Tensor, from: number, to: number): tf.Tensor {
  const width = t.shape[t.rank - 1]!;
  return tf.mul(t, tf.tensor1d(Array.from({ length: width }, (_, c) => (c >= from && c < to ? 1 : 0))));
}

/**
 * Rows of a [rows, K] tensor, picked by row index (an empty pick gives [0, K]); the picked rows
 * must differ. Differentiable: the gradient scatters back into the picked rows. TF.js' own
 * gradient of gather (unsortedSegmentSum) loops over every source row on its CPU backend, which
 * on a whole head's thousands of anchors takes seconds; a scatter takes the picked rows only.
 */
export function rows(t: tf.Tensor2D, index: ArrayLike<number>): tf.Tensor2D {
  const picks = Array.from(index);
  const pick = tf.customGrad((x) => ({
    value: tf.gather(x as tf.Tensor2D, tf.tensor1d(picks, 'int32')),
    gradFunc: (dy: tf.Tensor) => tf.scatterND(tf.tensor2d(picks, [picks.length, 1], 'int32'), dy, (x as tf.Tensor).shape),
  }));
  return pick(t) as tf.Tensor2D;
}
