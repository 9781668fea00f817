import * as tf from '@tensorflow/tfjs';
import type { AnchorGrid } from './anchors.js';

/**
 * Per-anchor constants and the distance form of boxes: distances from an anchor point to the
 * four sides (left, top, right, bottom) in strides, what GFL heads (NanoDet, YOLOv8) predict.
 */

/**
 * A [rows, width] tensor of `fn(anchor)` for each row's anchor. Constants come full-size so every
 * op stays same-shape (TF.js' CPU backend broadcasts a [rows, 1] one element at a time).
 */
export function perAnchor(anchors: ArrayLike<number>, width: number, fn: (a: number) => readonly number[]): tf.Tensor2D {
  const out = new Float32Array(anchors.length * width);
  for (let i = 0; i < anchors.length; i++) out.set(fn(anchors[i]!), i * width);
  return tf.tensor2d(out, [anchors.length, width]);
}

/** Distances [R, 4] in strides around each row's anchor point -> boxes [R, 4] in pixels. */
export function distanceToBoxes(dist: tf.Tensor, anchors: ArrayLike<number>, points: { x: Float32Array; y: Float32Array }, grid: AnchorGrid): tf.Tensor2D {
  return tf.tidy(() => {
    const at = perAnchor(anchors, 4, (a) => [points.x[a]!, points.y[a]!, points.x[a]!, points.y[a]!]);
    // Left and top are subtracted, right and bottom added: one signed stride per side.
    const scale = perAnchor(anchors, 4, (a) => [-grid.stride[a]!, -grid.stride[a]!, grid.stride[a]!, grid.stride[a]!]);
    return tf.add(at, tf.mul(dist, scale)) as tf.Tensor2D;
  });
}

/**
 * The four distances from a point to a box's sides in strides, clamped to [0, max]: the targets
 * of the distance distributions, which can only express 0..bins−1.
 */
export function boxToDistances(x: number, y: number, box: ArrayLike<number>, stride: number, max: number): [number, number, number, number] {
  const clamp = (v: number) => Math.min(Math.max(v / stride, 0), max);
  return [clamp(x - box[0]!), clamp(y - box[1]!), clamp(box[2]! - x), clamp(box[3]! - y)];
}

/** Row indices 0..n−1: every anchor of one image. */
export function everyAnchor(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
