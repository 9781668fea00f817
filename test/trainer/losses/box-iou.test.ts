import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { boxIou } from '../../../trainer/losses/index.js';
import { near, useCpu, values } from './tf-setup.js';

before(useCpu);

const pairs = (a: number[][], b: number[][]) => [tf.tensor2d(a), tf.tensor2d(b)] as const;

test('IoU, GIoU and CIoU match hand computations', () => {
  // Two 2x2 squares overlapping in a 1x1 square: IoU 1/7, enclosing 3x3 box.
  const [a, b] = pairs([[0, 0, 2, 2], [0, 0, 4, 2], [0, 0, 1, 1], [5, 5, 9, 9]], [[1, 1, 3, 3], [0, 0, 2, 4], [2, 2, 3, 3], [5, 5, 9, 9]]);
  const iou = values(boxIou(a, b, 'iou'));
  const giou = values(boxIou(a, b, 'giou'));
  const ciou = values(boxIou(a, b, 'ciou'));
  const tol = 1e-5;
  near(iou[0]!, 1 / 7, tol, 'iou of shifted squares');
  near(giou[0]!, 1 / 7 - (9 - 7) / 9, tol, 'giou of shifted squares');
  // Same aspect ratio, so no v term: centre distance² 2 over enclosing diagonal² 18.
  near(ciou[0]!, 1 / 7 - 2 / 18, tol, 'ciou of shifted squares');

  // A 4x2 and a 2x4 box from the same corner: IoU 4/12; enclosing 4x4; centres (2,1) and (1,2).
  const v = (4 / Math.PI ** 2) * (Math.atan(2 / 4) - Math.atan(4 / 2)) ** 2;
  const alpha = v / (1 - 1 / 3 + v);
  near(iou[1]!, 1 / 3, tol, 'iou of crossed boxes');
  near(giou[1]!, 1 / 3 - (16 - 12) / 16, tol, 'giou of crossed boxes');
  near(ciou[1]!, 1 / 3 - 2 / 32 - alpha * v, tol, 'ciou of crossed boxes');

  // Disjoint boxes: IoU 0, GIoU negative by the empty part of the enclosing 3x3 box.
  near(iou[2]!, 0, tol, 'iou of disjoint boxes');
  near(giou[2]!, 0 - (9 - 2) / 9, tol, 'giou of disjoint boxes');
  // Identical boxes: every variant is 1.
  for (const [name, list] of [['iou', iou], ['giou', giou], ['ciou', ciou]] as const) near(list[3]!, 1, tol, `${name} of equal boxes`);
});

test('boxes broadcast: [M, 1, 4] against [1, N, 4] gives every pair', () => {
  const gt = tf.tensor3d([[[0, 0, 10, 10]], [[5, 5, 15, 15]]]);
  const pred = tf.tensor3d([[[0, 0, 10, 10], [0, 0, 5, 5], [20, 20, 30, 30]]]);
  const m = boxIou(gt, pred, 'iou');
  assert.deepEqual(m.shape, [2, 3]);
  values(m).forEach((x, i) => near(x, [1, 0.25, 0, 25 / 175, 0, 0][i]!, 1e-6, `pair ${i}`));
});

test('CIoU holds α constant in its gradient, as Ultralytics does', () => {
  const b = [1, 0, 4, 3];
  const ciouAt = (a: number[], alpha: number) => {
    const inter = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!)) * Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
    const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
    const cw = Math.max(a[2]!, b[2]!) - Math.min(a[0]!, b[0]!);
    const ch = Math.max(a[3]!, b[3]!) - Math.min(a[1]!, b[1]!);
    const rho2 = ((b[0]! + b[2]! - a[0]! - a[2]!) ** 2 + (b[1]! + b[3]! - a[1]! - a[3]!) ** 2) / 4;
    const v = (4 / Math.PI ** 2) * (Math.atan((b[2]! - b[0]!) / (b[3]! - b[1]!)) - Math.atan((a[2]! - a[0]!) / (a[3]! - a[1]!))) ** 2;
    return { value: inter / union - rho2 / (cw * cw + ch * ch) - alpha * v, iou: inter / union, v };
  };
  const a = [0, 0.5, 2.5, 2];
  const at = ciouAt(a, 0);
  const alpha = at.v / (1 - at.iou + at.v);
  const grad = values(tf.grad((x: tf.Tensor) => tf.sum(boxIou(x, tf.tensor2d([b]), 'ciou')))(tf.tensor2d([a])));
  const h = 1e-4;
  a.forEach((_, k) => {
    const up = [...a];
    const down = [...a];
    up[k]! += h;
    down[k]! -= h;
    const numeric = (ciouAt(up, alpha).value - ciouAt(down, alpha).value) / (2 * h);
    near(grad[k]!, numeric, 2e-3, `d ciou / d a[${k}]`);
  });
});
