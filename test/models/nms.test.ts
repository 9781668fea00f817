import assert from 'node:assert/strict';
import test from 'node:test';
import { iou, type Candidate } from '../../models/boxes.js';
import { nms } from '../../models/nms.js';

const c = (x: number, score: number, classId = 0): Candidate => ({ box: [x, 0, x + 10, 10], score, classId });

test('iou of known boxes', () => {
  assert.equal(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
  assert.equal(iou([0, 0, 10, 10], [5, 0, 15, 10]), 50 / 150);
  assert.equal(iou([0, 0, 10, 10], [10, 0, 20, 10]), 0);
});

test('suppresses lower-scoring overlaps of the same class', () => {
  const kept = nms([c(0, 0.5), c(1, 0.9), c(30, 0.4)], { iouThreshold: 0.5, maxDetections: 10 });
  assert.deepEqual(kept.map((k) => k.score), [0.9, 0.4]);
});

test('keeps overlaps of different classes unless class-agnostic', () => {
  const boxes = [c(0, 0.9, 0), c(1, 0.8, 1)];
  assert.equal(nms(boxes, { iouThreshold: 0.5, maxDetections: 10 }).length, 2);
  assert.equal(nms(boxes, { iouThreshold: 0.5, maxDetections: 10, classAgnostic: true }).length, 1);
});

test('an overlap at exactly the threshold is kept', () => {
  // IoU of x-shifted 10x10 boxes by 10/3 is (20/3)/(40/3) = 0.5.
  const kept = nms([c(0, 0.9), c(10 / 3, 0.8)], { iouThreshold: 0.5, maxDetections: 10 });
  assert.equal(kept.length, 2);
});

test('caps the number of detections, best first', () => {
  const many = Array.from({ length: 50 }, (_, i) => c(i * 20, i / 100));
  const kept = nms(many, { iouThreshold: 0.5, maxDetections: 5 });
  assert.deepEqual(kept.map((k) => k.score), [0.49, 0.48, 0.47, 0.46, 0.45]);
});
