import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iou, type Box } from '../../../models/boxes.js';
import { anchorGrid, anchorPoints, atssAssign, simOtaAssign, taskAlignedAssign } from '../../../trainer/losses/index.js';

const f32 = (v: number[]) => Float32Array.from(v);
const box = (classId: number, b: Box) => ({ classId, box: b });

test('SimOTA: a box takes its k cheapest candidates, k from its best IoUs; far or penalised anchors lose', () => {
  // One box [0, 0, 32, 32], centre (16, 16), stride 8: the centre region reaches 20 px.
  const centreX = f32([12, 20, 28, 16, 100]);
  const centreY = f32([12, 20, 28, 34, 100]);
  // Anchor 3 is near the centre but outside the box; anchor 4 is no candidate at all.
  const pairIou = f32([0.5, 0.7, 0.9, 0.95, 0.99]);
  const probs = f32([0.5, 0.5, 0.5, 0.5, 0.5]);
  const a = simOtaAssign({ gt: [box(0, [0, 0, 32, 32])], centreX, centreY, stride: f32([8, 8, 8, 8, 8]), pairIou, probs, numClasses: 1 });
  // k = ⌊0.95 + 0.9 + 0.7 + 0.5⌋ = 3 (the far anchor's 0.99 does not count); the penalty keeps
  // anchor 3 out although its IoU is best.
  assert.deepEqual(Array.from(a.anchors), [0, 1, 2]);
  assert.deepEqual(Array.from(a.gt), [0, 0, 0]);
  assert.deepEqual(Array.from(a.quality), [0.5, 0.699999988079071, 0.8999999761581421]);

  // With a low IoU everywhere k is still 1, and a confident class score makes an anchor cheaper.
  const b = simOtaAssign({ gt: [box(1, [0, 0, 32, 32])], centreX, centreY, stride: f32([8, 8, 8, 8, 8]), pairIou: f32([0.1, 0.1, 0.1, 0.1, 0]), probs: f32([0.5, 0.3, 0.5, 0.3, 0.5, 0.9, 0.5, 0.3, 0.5, 0.5]), numClasses: 2 });
  assert.deepEqual([Array.from(b.anchors), Array.from(b.gt)], [[2], [0]]);
});

test('SimOTA: an anchor two boxes claim goes to the one it costs less', () => {
  const centreX = f32([16, 24]);
  const centreY = f32([16, 16]);
  // Both boxes contain both anchors; anchor 0 predicts box 1 better, anchor 1 box 0.
  const gt = [box(0, [0, 0, 40, 32]), box(0, [8, 0, 32, 32])];
  const pairIou = f32([0.3, 0.9, 0.8, 0.6]);
  const a = simOtaAssign({ gt, centreX, centreY, stride: f32([8, 8]), pairIou, probs: f32([0.5, 0.5]), numClasses: 1 });
  // k: box 0 ⌊1.2⌋ = 1 takes anchor 1; box 1 ⌊1.4⌋ = 1 takes anchor 0.
  assert.deepEqual([Array.from(a.anchors), Array.from(a.gt)], [[0, 1], [1, 0]]);
  const contested = simOtaAssign({ gt, centreX, centreY, stride: f32([8, 8]), pairIou: f32([0.3, 0.95, 0.2, 0.9]), probs: f32([0.5, 0.5]), numClasses: 1 });
  // Both boxes want anchor 1; −log IoU makes it cheaper for box 0 (0.95 > 0.9).
  assert.deepEqual([Array.from(contested.anchors), Array.from(contested.gt)], [[1], [0]]);
});

test('ATSS: the positives are the candidates above mean + std of IoU, centres inside the box', () => {
  // Input 32x32, strides 8 and 16: a 4x4 and a 2x2 level; cells 2 strides wide.
  const grid = anchorGrid(32, 32, [8, 16]);
  const { x, y } = anchorPoints(grid);
  const gtBox: Box = [8, 8, 24, 24];
  const a = atssAssign({ gt: [box(3, gtBox)], centreX: x, centreY: y, stride: grid.stride, levelSizes: [16, 4] }, { topk: 9, octaveScale: 2 });
  // By hand: the 4 central level-1 cells overlap the box by 0.391, the 5 other nearest by 0.103,
  // the 4 level-2 cells by 0.25; mean + std = 0.361, so only the central 4 pass.
  const cell = (i: number): Box => [x[i]! - grid.stride[i]!, y[i]! - grid.stride[i]!, x[i]! + grid.stride[i]!, y[i]! + grid.stride[i]!];
  assert.ok(Math.abs(iou(cell(5), gtBox) - 144 / 368) < 1e-6);
  assert.deepEqual(Array.from(a.anchors), [5, 6, 9, 10]);
  assert.deepEqual(Array.from(a.gt), [0, 0, 0, 0]);

  // A box around a single cell centre takes it alone; no box, no positives.
  const small = atssAssign({ gt: [box(0, [10, 10, 14, 14])], centreX: x, centreY: y, stride: grid.stride, levelSizes: [16, 4] }, { topk: 9, octaveScale: 2 });
  assert.deepEqual(Array.from(small.anchors), [5]);
  assert.equal(atssAssign({ gt: [], centreX: x, centreY: y, stride: grid.stride, levelSizes: [16, 4] }).anchors.length, 0);
});

test('task-aligned: top-k alignment inside the box, targets normalised to the best overlap', () => {
  const centreX = f32([10, 20, 30, 40, 90]);
  const centreY = f32([10, 10, 10, 10, 10]);
  const overlaps = [0.9, 0.5, 0.8, 0.3, 1];
  const scores = [0.5, 0.9, 0.2, 0.9, 1];
  const a = taskAlignedAssign({ gt: [box(0, [0, 0, 50, 20])], centreX, centreY, pairOverlap: f32(overlaps), probs: f32(scores), numClasses: 1 }, { topk: 2, alpha: 0.5, beta: 6 });
  const align = (i: number) => Math.sqrt(Math.fround(scores[i]!)) * Math.fround(overlaps[i]!) ** 6;
  // Alignments: 0.376, 0.0148, 0.117, 0.0007; anchor 4 is outside the box.
  assert.deepEqual(Array.from(a.anchors), [0, 2]);
  assert.ok(Math.abs(a.quality[0]! - Math.fround(0.9)) < 1e-6);
  assert.ok(Math.abs(a.quality[1]! - (align(2) * Math.fround(0.9)) / align(0)) < 1e-6);

  // Two boxes both take anchor 1; it goes to the box its prediction overlaps more.
  const two = taskAlignedAssign(
    { gt: [box(0, [0, 0, 25, 20]), box(1, [15, 0, 50, 20])], centreX, centreY, pairOverlap: f32([0.9, 0.6, 0, 0, 0, 0, 0.7, 0.8, 0.5, 0]), probs: f32([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), numClasses: 2 },
    { topk: 2, alpha: 0.5, beta: 6 },
  );
  assert.deepEqual([Array.from(two.anchors), Array.from(two.gt)], [[0, 1, 2], [0, 1, 1]]);
});
