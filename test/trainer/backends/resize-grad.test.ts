/**
 * Resize gradients on both backends are the exact adjoint of TF.js' forward resize kernels
 * (<resize(x), dy> = <x, grad(dy)>) for every sampling mode the executor maps ONNX Resize to,
 * including half-pixel centers, which TF.js' own gradient kernels ignore.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { randomData } from '../executor/helpers.js';
import { on } from './backend-compare.js';

const MODES = [
  { bilinear: false, alignCorners: false, halfPixelCenters: false },
  { bilinear: false, alignCorners: false, halfPixelCenters: true },
  { bilinear: true, alignCorners: false, halfPixelCenters: false },
  { bilinear: true, alignCorners: false, halfPixelCenters: true },
  { bilinear: true, alignCorners: true, halfPixelCenters: false },
];
const SIZES: [number[], [number, number]][] = [
  [[2, 3, 5, 4], [6, 10]],
  [[1, 4, 4, 3], [8, 8]],
  [[2, 7, 6, 2], [3, 4]],
  [[1, 13, 13, 5], [26, 26]],
];

for (const backend of ['wasm', 'cpu'] as const) {
  test(`resize gradients on ${backend} are the adjoint of the forward resize`, async () => {
    for (const m of MODES) {
      for (const [i, [shape, size]] of SIZES.entries()) {
        const xs = randomData(
          shape.reduce((a, b) => a * b, 1),
          i + 1,
        );
        const dys = randomData(shape[0]! * size[0] * size[1] * shape[3]!, i + 50);
        const [forward, backward] = await on(backend, () => {
          const x = tf.tensor4d(xs, shape as [number, number, number, number]);
          const dy = tf.tensor(dys, [shape[0]!, ...size, shape[3]!]);
          const resize = (t: tf.Tensor4D) => (m.bilinear ? tf.image.resizeBilinear(t, size, m.alignCorners, m.halfPixelCenters) : tf.image.resizeNearestNeighbor(t, size, m.alignCorners, m.halfPixelCenters));
          const grad = tf.grad((t) => tf.sum(tf.mul(resize(t as tf.Tensor4D), dy)))(x);
          assert.deepEqual(grad.shape, shape);
          return [tf.sum(tf.mul(resize(x), dy)), tf.sum(tf.mul(x, grad))];
        });
        const [a, b] = [forward![0]!, backward![0]!];
        assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a)), `${JSON.stringify(m)} ${shape} -> ${size}: ${a} vs ${b}`);
      }
    }
  });
}
