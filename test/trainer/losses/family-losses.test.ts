import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../../../models/boxes.js';
import { nanodetFamily } from '../../../models/families/nanodet.js';
import { yoloxFamily } from '../../../models/families/yolox.js';
import type { LabelledBox } from '../../../trainer/datasets/index.js';
import { anchorGrid, anchorPoints, nanodetLoss, yolov8Loss, yoloxLoss, type DetectionLoss } from '../../../trainer/losses/index.js';
import { useCpu, value } from './tf-setup.js';

before(useCpu);

/** A 64x64 input: 8x8 + 4x4 + 2x2 = 84 anchors, two classes, one box of class 1. */
const SIZE = 64;
const STRIDES = [8, 16, 32];
const CLASSES = 2;
const grid = anchorGrid(SIZE, SIZE, STRIDES);
const centre = anchorPoints(grid);
const BOX: Box = [20, 16, 44, 40];
const SHIFTED: Box = [24, 20, 48, 44];
const TARGETS: LabelledBox[][] = [[{ classId: 1, box: BOX }]];

const yoloxCtx = { inputWidth: SIZE, inputHeight: SIZE, head: { strides: STRIDES } };
const nanodetCtx = { inputWidth: SIZE, inputHeight: SIZE, head: { strides: STRIDES, bins: 8, gridCenter: 'cell-center' as const } };
const yolov8Ctx = { inputWidth: SIZE, inputHeight: SIZE, head: { strides: STRIDES, regMax: 16 } };

/** A raw head whose every anchor predicts `box` (per the family's decode), class logits 0. */
function rawHead(columns: (a: number) => number[]): tf.Tensor3D {
  const rows = Array.from({ length: grid.count }, (_, a) => columns(a));
  return tf.tensor3d([rows]);
}

function yoloxRaw(box: Box): tf.Tensor3D {
  return rawHead((a) => {
    const s = grid.stride[a]!;
    return [(box[0] + box[2]) / 2 / s - grid.gx[a]!, (box[1] + box[3]) / 2 / s - grid.gy[a]!, Math.log((box[2] - box[0]) / s), Math.log((box[3] - box[1]) / s), 0, ...Array(CLASSES).fill(0)];
  });
}

/** Logits whose softmax puts the mass on the two bins around y, so the expectation is y. */
function distribution(y: number, bins: number): number[] {
  const clamped = Math.min(Math.max(y, 0), bins - 1 - 1e-3);
  const i = Math.floor(clamped);
  const f = clamped - i;
  return Array.from({ length: bins }, (_, b) => (b === i ? Math.log(1 - f) : b === i + 1 && f > 1e-6 ? Math.log(f) : -30));
}

function sides(box: Box, a: number, bins: number): number[] {
  const s = grid.stride[a]!;
  const [x, y] = [centre.x[a]!, centre.y[a]!];
  return [(x - box[0]) / s, (y - box[1]) / s, (box[2] - x) / s, (box[3] - y) / s].flatMap((d) => distribution(d, bins));
}

const nanodetRaw = (box: Box) => rawHead((a) => [...Array(CLASSES).fill(0), ...sides(box, a, 8)]);
const yolov8Raw = (box: Box) => rawHead((a) => [...sides(box, a, 16), ...Array(CLASSES).fill(0)]);

function partValues(l: DetectionLoss): Record<string, number> {
  return Object.fromEntries(Object.entries(l.parts).map(([k, v]) => [k, value(v)]));
}

function sumOfParts(l: DetectionLoss): number {
  return Object.values(l.parts).reduce((s, p) => s + value(p), 0);
}

const families = [
  { name: 'yolox', box: 'iou', raw: yoloxRaw, loss: (raw: tf.Tensor3D, t: LabelledBox[][]) => yoloxLoss(raw, t, yoloxCtx), channels: 5 + CLASSES },
  { name: 'nanodet', box: 'bbox', raw: nanodetRaw, loss: (raw: tf.Tensor3D, t: LabelledBox[][]) => nanodetLoss(raw, t, nanodetCtx), channels: CLASSES + 32 },
  { name: 'yolov8', box: 'box', raw: yolov8Raw, loss: (raw: tf.Tensor3D, t: LabelledBox[][]) => yolov8Loss(raw, t, yolov8Ctx), channels: 64 + CLASSES },
];

for (const f of families) {
  test(`${f.name}: a prediction equal to the box gives ~0 box loss and a lower total than a shifted one`, () => {
    const exact = f.loss(f.raw(BOX), TARGETS);
    const shifted = f.loss(f.raw(SHIFTED), TARGETS);
    const e = partValues(exact);
    assert.ok(exact.foreground > 0, 'some anchors are foreground');
    assert.ok(e[f.box]! < 1e-4, `box loss ${e[f.box]} for an exact prediction`);
    assert.ok(partValues(shifted)[f.box]! > 0.1, `box loss ${partValues(shifted)[f.box]} for a prediction 4 px off`);
    assert.ok(value(exact.total) < value(shifted.total), `total ${value(exact.total)} vs shifted ${value(shifted.total)}`);
    assert.ok(Math.abs(value(exact.total) - sumOfParts(exact)) < 1e-4, 'total is the sum of its parts');
    for (const a of exact.assignments[0]!.anchors) {
      assert.ok(centre.x[a]! > BOX[0] - 2.5 * grid.stride[a]! && centre.x[a]! < BOX[2] + 2.5 * grid.stride[a]!, `anchor ${a} is near the box`);
    }
  });

  test(`${f.name}: gradients reach box and class channels, finite, also with an empty image`, () => {
    const raw = tf.randomNormal([2, grid.count, f.channels], 0, 1, 'float32', 11) as tf.Tensor3D;
    const targets = [TARGETS[0]!, []];
    let fg: Int32Array = new Int32Array(0);
    const grad = tf.grad((r: tf.Tensor) => {
      const l = f.loss(r as tf.Tensor3D, targets);
      fg = l.assignments[0]!.anchors;
      return l.total;
    })(raw);
    const g = grad.arraySync() as number[][][];
    assert.ok(g.flat(2).every(Number.isFinite), 'finite gradient');
    assert.ok(fg.length > 0);
    const [boxFrom, boxTo] = f.name === 'yolox' ? [0, 4] : f.name === 'nanodet' ? [CLASSES, CLASSES + 32] : [0, 64];
    const clsCol = f.name === 'yolox' ? 6 : f.name === 'nanodet' ? 1 : 65;
    let boxTotal = 0;
    for (const a of fg) {
      // Box terms weigh anchors by a quality that can be tiny, but never exactly zero.
      const boxGrad = g[0]![a]!.slice(boxFrom, boxTo).reduce((s, v) => s + Math.abs(v), 0);
      assert.ok(boxGrad > 0, `no box gradient at anchor ${a}`);
      boxTotal += boxGrad;
      assert.ok(Math.abs(g[0]![a]![clsCol]!) > 1e-6, `no class gradient at anchor ${a}`);
    }
    assert.ok(boxTotal > 1e-3, `box gradient ${boxTotal} over the foreground`);
    // The empty image is all background and is still pushed down: by objectness in YOLOX, by
    // the class scores in the others.
    const backgroundCol = f.name === 'yolox' ? 4 : clsCol;
    assert.ok(g[1]!.some((row) => Math.abs(row[backgroundCol]!) > 1e-6), 'background gets a gradient');
  });

  test(`${f.name}: no boxes at all is a finite loss with zero box terms, and nothing leaks`, () => {
    const raw = f.raw(BOX);
    const before = tf.memory().numTensors;
    const l = f.loss(raw, [[]]);
    assert.equal(l.foreground, 0);
    assert.ok(Number.isFinite(value(l.total)));
    assert.equal(partValues(l)[f.box], 0);
    tf.dispose([l.total, ...Object.values(l.parts)]);
    assert.equal(tf.memory().numTensors, before, 'tensors left behind');
    const again = f.loss(raw, TARGETS);
    tf.dispose([again.total, ...Object.values(again.parts)]);
    assert.equal(tf.memory().numTensors, before, 'tensors left behind with a box');
  });

  test(`${f.name}: a head that does not fit the grid or the targets is refused`, () => {
    assert.throws(() => f.loss(tf.zeros([1, 80, f.channels]) as tf.Tensor3D, TARGETS), new RegExp(`${f.name} loss: raw head has 80 anchors but the grid has 84 \\(8x8 \\+ 4x4 \\+ 2x2 at strides 8/16/32\\)`));
    assert.throws(() => f.loss(f.raw(BOX), [...TARGETS, []]), /1 images in the head but 2 target lists/);
    assert.throws(() => f.loss(f.raw(BOX), [[{ classId: 2, box: BOX }]]), /image 0 box 0 has class 2, but the head has 2 classes/);
  });
}

test('the losses decode boxes as deployment does (yolox, nanodet)', () => {
  const decodeCtx = { inputWidth: SIZE, inputHeight: SIZE, numClasses: CLASSES, scoreThreshold: 0, multiLabel: false };
  const yolox = yoloxRaw(BOX);
  const yoloxBoxes = yoloxFamily.decode([{ dims: [1, grid.count, 5 + CLASSES], data: yolox.dataSync() as Float32Array }], { ...decodeCtx, head: yoloxFamily.headSchema.parse({ scoreActivation: 'sigmoid' }) });
  assert.equal(yoloxBoxes.length, grid.count);
  for (const c of yoloxBoxes) c.box.forEach((v, i) => assert.ok(Math.abs(v - BOX[i]!) < 1e-3, `yolox decodes ${c.box}`));
  // The loss's own decode of that head reaches IoU 1 with the box: its cls target is the IoU.
  assert.ok(yoloxLoss(yolox, TARGETS, yoloxCtx).assignments[0]!.quality.every((q) => Math.abs(q - 1) < 1e-5));

  const nanodet = nanodetRaw(BOX);
  const head = nanodetFamily.headSchema.parse({ bins: 8, gridCenter: 'cell-center', scoreActivation: 'sigmoid' });
  const nanodetBoxes = nanodetFamily.decode([{ dims: [1, grid.count, CLASSES + 32], data: nanodet.dataSync() as Float32Array }], { ...decodeCtx, head });
  const fg = nanodetLoss(nanodet, TARGETS, nanodetCtx).assignments[0]!.anchors;
  for (const a of fg) nanodetBoxes[a]!.box.forEach((v, i) => assert.ok(Math.abs(v - BOX[i]!) < 1e-2, `nanodet anchor ${a} decodes ${nanodetBoxes[a]!.box}`));
});
