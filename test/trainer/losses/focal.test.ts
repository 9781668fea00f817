import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { bceWithLogits, distributionFocalLoss, expectedDistance, flattenLevels, qualityFocalLoss } from '../../../trainer/losses/index.js';
import { near, useCpu, values } from './tf-setup.js';

before(useCpu);

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const bce = (x: number, t: number) => -(t * Math.log(sigmoid(x)) + (1 - t) * Math.log(1 - sigmoid(x)));

test('BCE on logits matches the formula, stays finite at large logits, and has gradient σ(x) − t', () => {
  const x = [-3, 0, 0.5, 2, 80, -80];
  const t = [0, 1, 0.8, 0.3, 1, 0];
  const got = values(bceWithLogits(tf.tensor1d(x), tf.tensor1d(t)));
  x.slice(0, 4).forEach((xi, i) => near(got[i]!, bce(xi, t[i]!), 1e-5, `bce(${xi}, ${t[i]})`));
  near(got[4]!, 0, 1e-6, 'confident and right');
  near(got[5]!, 0, 1e-6, 'confident and right (negative)');
  const grad = values(tf.grad((v: tf.Tensor) => tf.sum(bceWithLogits(v, tf.tensor1d(t))))(tf.tensor1d(x)));
  x.forEach((xi, i) => near(grad[i]!, sigmoid(xi) - t[i]!, 1e-5, `gradient at ${xi}`));
});

test('quality focal loss is BCE(x, t) · |t − σ(x)|^β elementwise', () => {
  const x = [[0.5, -1, 2], [-2, 0, 1]];
  const t = [[0.8, 0, 0], [0, 0.3, 0]];
  const got = values(qualityFocalLoss(tf.tensor2d(x), tf.tensor2d(t), 2));
  x.flat().forEach((xi, i) => {
    const ti = t.flat()[i]!;
    near(got[i]!, bce(xi, ti) * Math.abs(ti - sigmoid(xi)) ** 2, 1e-6, `qfl(${xi}, ${ti})`);
  });
  // A score equal to its target costs nothing: the factor is zero.
  near(values(qualityFocalLoss(tf.tensor1d([Math.log(0.6 / 0.4)]), tf.tensor1d([0.6])))[0]!, 0, 1e-9, 'qfl at the target');
});

test('distribution focal loss weighs the cross-entropy at the two bins around the target', () => {
  const logits = [1, 2, 0.5, 0, -1];
  const lse = Math.log(logits.reduce((s, v) => s + Math.exp(v), 0));
  const ce = (i: number) => lse - logits[i]!;
  const got = values(distributionFocalLoss(tf.tensor2d([logits, logits, logits]), [1.3, 2, 0]));
  near(got[0]!, 0.7 * ce(1) + 0.3 * ce(2), 1e-5, 'target 1.3');
  near(got[1]!, ce(2), 1e-5, 'target 2');
  near(got[2]!, ce(0), 1e-5, 'target 0');
  assert.throws(() => distributionFocalLoss(tf.tensor2d([logits]), [4]), /target 4 is outside \[0, 4\)/);
  assert.throws(() => distributionFocalLoss(tf.tensor2d([logits]), [1, 2]), /1 rows of logits but 2 targets/);
});

test("GFL's integral is the softmax expectation of each side's bins", () => {
  const side = (p: number[]) => p.map((v) => Math.log(v));
  const logits = tf.tensor2d([[...side([1, 0.001, 0.001, 0.001]), ...side([0.25, 0.25, 0.25, 0.25]), ...side([0.001, 0.001, 0.5, 0.5]), ...side([0.1, 0.2, 0.3, 0.4])]]);
  const got = values(expectedDistance(logits, 4));
  [0.006 / 1.003, 1.5, (0.001 + 1 + 1.5) / 1.002, 0.2 + 0.6 + 1.2].forEach((e, i) => near(got[i]!, e, 1e-4, `side ${i}`));
});

test('head levels NCHW flatten to [B, N, K] in anchor order', () => {
  // Level 1: 2x2 cells, level 2: 1x1; K = 2 channels; value = 100·level + 10·channel + cell.
  const l1 = tf.tensor4d([[[[0, 1], [2, 3]], [[10, 11], [12, 13]]]]);
  const l2 = tf.tensor4d([[[[100]], [[110]]]]);
  const flat = flattenLevels([l1, l2]);
  assert.deepEqual(flat.shape, [1, 5, 2]);
  assert.deepEqual(values(flat), [0, 10, 1, 11, 2, 12, 3, 13, 100, 110]);
});
