import * as tf from '@tensorflow/tfjs';
import { stopGradient } from './tf-ops.js';

/**
 * IoU and its variants between boxes [..., 4] as x1, y1, x2, y2, broadcasting like any
 * elementwise op: [M, 4] with [M, 4] pairs rows, [M, 1, 4] with [1, N, 4] gives every pair [M, N].
 * - `iou`: intersection over union;
 * - `giou`: IoU − (enclosing area − union) / enclosing area (Rezatofighi et al., NanoDet's box loss);
 * - `ciou`: IoU − centre distance² / enclosing diagonal² − α·v, v measuring the aspect-ratio
 *   mismatch and α = v / (1 − IoU + v) held constant in the gradient, as Ultralytics does.
 */
export type IouKind = 'iou' | 'giou' | 'ciou';

/** Keeps divisions finite for empty boxes (Ultralytics' and mmdet's eps). */
const EPS = 1e-7;

export function boxIou(a: tf.Tensor, b: tf.Tensor, kind: IouKind): tf.Tensor {
  return tf.tidy(() => tf.squeeze(sidesIou(tf.split(a, 4, -1) as Sides, tf.split(b, 4, -1) as Sides, kind), [-1]));
}

/** A set of boxes as four tensors of one shape: x1, y1, x2, y2. */
export type Sides = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

/** `boxIou` on boxes given side by side, which saves splitting when the sides are at hand. */
export function sidesIou([ax1, ay1, ax2, ay2]: Sides, [bx1, by1, bx2, by2]: Sides, kind: IouKind): tf.Tensor {
  return tf.tidy(() => {
    const aw = tf.sub(ax2, ax1);
    const ah = tf.sub(ay2, ay1);
    const bw = tf.sub(bx2, bx1);
    const bh = tf.sub(by2, by1);
    const iw = tf.relu(tf.sub(tf.minimum(ax2, bx2), tf.maximum(ax1, bx1)));
    const ih = tf.relu(tf.sub(tf.minimum(ay2, by2), tf.maximum(ay1, by1)));
    const inter = tf.mul(iw, ih);
    const union = tf.add(tf.sub(tf.add(tf.mul(aw, ah), tf.mul(bw, bh)), inter), EPS);
    const iou = tf.div(inter, union);
    if (kind === 'iou') return iou;

    const cw = tf.sub(tf.maximum(ax2, bx2), tf.minimum(ax1, bx1));
    const ch = tf.sub(tf.maximum(ay2, by2), tf.minimum(ay1, by1));
    if (kind === 'giou') {
      const enclosing = tf.add(tf.mul(cw, ch), EPS);
      return tf.sub(iou, tf.div(tf.sub(enclosing, union), enclosing));
    }

    const diagonal2 = tf.add(tf.add(tf.square(cw), tf.square(ch)), EPS);
    // (Δ of doubled centres)² / 4 = squared distance between the centres.
    const dx = tf.sub(tf.add(bx1, bx2), tf.add(ax1, ax2));
    const dy = tf.sub(tf.add(by1, by2), tf.add(ay1, ay2));
    const rho2 = tf.div(tf.add(tf.square(dx), tf.square(dy)), 4);
    const v = tf.mul(4 / Math.PI ** 2, tf.square(tf.sub(tf.atan(tf.div(bw, tf.add(bh, EPS))), tf.atan(tf.div(aw, tf.add(ah, EPS))))));
    const alpha = stopGradient(tf.div(v, tf.add(tf.sub(v, iou), 1 + EPS)));
    return tf.sub(iou, tf.add(tf.div(rho2, diagonal2), tf.mul(alpha, v)));
  });
}
