import assert from 'node:assert/strict';
import test from 'node:test';
import type { Box } from '../../models/boxes.js';
import { evaluateDetections, IOU_THRESHOLDS, RECALL_POINTS, type EvalImage } from '../../trainer/eval/coco-map.js';

const near = (actual: number, expected: number, what = '') =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what} ${actual} should be ${expected}`);

const gt = (box: Box, classId = 0) => ({ classId, box });
const det = (box: Box, score: number, classId = 0) => ({ classId, box, score });
/** A box at column i of a grid, far from every other column's box. */
const cell = (i: number): Box => [i * 200, 0, i * 200 + 100, 100];

test('the grids are pycocotools np.linspace values', () => {
  assert.equal(IOU_THRESHOLDS.length, 10);
  assert.equal(IOU_THRESHOLDS[8], 0.8999999999999999);
  assert.equal(RECALL_POINTS.length, 101);
  assert.equal(RECALL_POINTS[100], 1);
});

test('perfect detections score 1', () => {
  const images: EvalImage[] = [
    { gt: [gt(cell(0)), gt(cell(1), 2)], dets: [det(cell(0), 0.9), det(cell(1), 0.8, 2)] },
    { gt: [gt(cell(0), 1)], dets: [det(cell(0), 0.5, 1)] },
  ];
  const r = evaluateDetections(images, 3);
  near(r.map50_95, 1, 'mAP');
  near(r.map50, 1, 'mAP50');
  near(r.map75, 1, 'mAP75');
  assert.deepEqual(r.perClass.map((c) => [c.classId, c.gtCount, c.detCount]), [[0, 1, 1], [1, 1, 1], [2, 1, 1]]);
  assert.equal(r.pr.length, 3);
  assert.equal(r.pr[0].recall.length, 101);
  r.pr[0].precision.forEach((p) => near(p, 1, 'precision'));
});

test('a false positive ranked between two hits: AP by the 101-point rule', () => {
  // 3 GT; detections by score: hit, miss, hit, miss; the third GT is never found.
  //   recall    1/3 1/3 2/3 2/3
  //   precision  1  1/2 2/3 1/2  -> envelope from the right: 1 2/3 2/3 1/2
  // Recall points 0.00..0.33 (34 of them) first reach recall 1/3 at a precision of 1,
  // 0.34..0.66 (33) reach 2/3 at 2/3, and 0.67..1.00 (34) are never reached: 0.
  // AP = (34 * 1 + 33 * 2/3 + 34 * 0) / 101 = 56 / 101 at every IoU threshold (exact boxes).
  const images: EvalImage[] = [
    {
      gt: [gt(cell(0)), gt(cell(1)), gt(cell(2))],
      dets: [det(cell(0), 0.9), det(cell(5), 0.8), det(cell(1), 0.7), det(cell(6), 0.6)],
    },
  ];
  const r = evaluateDetections(images, 1);
  near(r.map50, 56 / 101, 'AP50');
  near(r.map50_95, 56 / 101, 'AP');
  near(r.pr[0].precision[33], 1);
  near(r.pr[0].precision[34], 2 / 3);
  near(r.pr[0].precision[66], 2 / 3);
  near(r.pr[0].precision[67], 0);
});

test('IoU 0.72 counts at thresholds 0.50..0.70 only: AP 0.5', () => {
  // Same left/top/right, 72% of the height: IoU = 7200 / 10000 = 0.72, a hit at 5 of 10 thresholds.
  const r = evaluateDetections([{ gt: [gt([0, 0, 100, 100])], dets: [det([0, 0, 100, 72], 0.9)] }], 1);
  near(r.map50_95, 0.5, 'AP50-95');
  near(r.map50, 1, 'AP50');
  near(r.map75, 0, 'AP75');
});

test('IoU exactly at a threshold counts as a match', () => {
  // IoU = 5000 / 10000 = 0.5: a hit at 0.50 and at no other threshold.
  const r = evaluateDetections([{ gt: [gt([0, 0, 100, 100])], dets: [det([0, 0, 100, 50], 0.9)] }], 1);
  near(r.map50, 1);
  near(r.map50_95, 0.1);
});

test('a duplicate detection is a false positive', () => {
  // GT 0 is found twice (0.9, 0.8), GT 1 once (0.7): hit, duplicate, hit. recall 1/2 1/2 1,
  // precision 1 1/2 2/3 -> envelope 1 2/3 2/3. Points 0.00..0.50 (51) at 1, 0.51..1.00 (50) at 2/3:
  // AP = (51 + 50 * 2/3) / 101 = 253 / 303.
  const images: EvalImage[] = [{ gt: [gt(cell(0)), gt(cell(1))], dets: [det(cell(0), 0.9), det(cell(0), 0.8), det(cell(1), 0.7)] }];
  const r = evaluateDetections(images, 1);
  near(r.map50_95, 253 / 303);
  assert.equal(r.perClass[0].detCount, 3);
});

test('classes without ground truth are left out of the mean', () => {
  const images: EvalImage[] = [
    { gt: [gt(cell(0), 0)], dets: [det(cell(0), 0.9, 0), det(cell(1), 0.95, 1)] },
    { gt: [gt(cell(0), 2)], dets: [] },
  ];
  const r = evaluateDetections(images, 4);
  // Class 0: 1.0; class 2: missed, 0.0; class 1 has only a false positive and class 3 nothing.
  assert.deepEqual(r.perClass.map((c) => c.classId), [0, 2]);
  near(r.map50_95, 0.5);
  assert.deepEqual(r.pr.map((c) => c.classId), [0, 2]);
});

test('ties in score keep input order across images, as mergesort does', () => {
  // Equal scores: image 0's miss comes before image 1's hit. recall 0, 1; precision 0, 1/2
  // -> envelope 1/2 1/2: every recall point reaches recall 1 at index 1, AP = 0.5.
  const images: EvalImage[] = [
    { gt: [], dets: [det(cell(0), 0.5)] },
    { gt: [gt(cell(0))], dets: [det(cell(0), 0.5)] },
  ];
  near(evaluateDetections(images, 1).map50, 0.5);
  // In the other image order the hit comes first: AP 1.
  near(evaluateDetections([images[1], images[0]], 1).map50, 1);
});

test('at most 100 detections per image and class are kept, highest scores first', () => {
  // 100 false positives outscore the one hit: it is cut, AP 0. With maxDets 101 it is the
  // 101st detection: precision 1/101 at full recall, AP = 1/101.
  const misses = Array.from({ length: 100 }, (_, i) => det([1000 + i * 200, 0, 1100 + i * 200, 100], 0.9));
  const images: EvalImage[] = [{ gt: [gt(cell(0))], dets: [...misses, det(cell(0), 0.1)] }];
  near(evaluateDetections(images, 1).map50_95, 0);
  assert.equal(evaluateDetections(images, 1).perClass[0].detCount, 100);
  near(evaluateDetections(images, 1, { maxDets: 101 }).map50_95, 1 / 101);
  // The cap is per class, as in pycocotools: 100 misses of another class do not push the hit out.
  const otherClass = [{ gt: [gt(cell(0))], dets: [...misses.map((d) => ({ ...d, classId: 1 })), det(cell(0), 0.1)] }];
  near(evaluateDetections(otherClass, 2).map50_95, 1);
});

test('bad input is a clear error', () => {
  assert.throws(() => evaluateDetections([{ gt: [gt(cell(0), 3)], dets: [] }], 3), /image 0 gt 0: classId 3 is outside 0..2/);
  assert.throws(() => evaluateDetections([{ gt: [gt(cell(0))], dets: [det(cell(0), Number.NaN)] }], 1), /image 0 det 0: score NaN/);
  assert.throws(() => evaluateDetections([{ gt: [], dets: [det(cell(0), 0.5)] }], 1), /no ground-truth boxes/);
});

test('coco128-sized input evaluates quickly', () => {
  // 128 images x 15 GT x 100 detections over 80 classes. Every GT is found exactly and outscores
  // the 85 random false positives of its image, so every class is perfect.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const box = (): Box => {
    const x = rnd() * 600, y = rnd() * 400;
    return [x, y, x + 10 + rnd() * 200, y + 10 + rnd() * 200];
  };
  const images: EvalImage[] = Array.from({ length: 128 }, () => {
    const g = Array.from({ length: 15 }, () => gt(box(), Math.floor(rnd() * 80)));
    const d = Array.from({ length: 100 }, (_, i) => (i < 15 ? det(g[i].box, 0.5 + rnd() / 2, g[i].classId) : det(box(), rnd() / 2, Math.floor(rnd() * 80))));
    return { gt: g, dets: d };
  });
  const t0 = performance.now();
  const r = evaluateDetections(images, 80);
  assert.ok(performance.now() - t0 < 2000, 'took over 2 s');
  near(r.map50_95, 1);
  assert.equal(r.perClass.reduce((s, c) => s + c.gtCount, 0), 128 * 15);
});
