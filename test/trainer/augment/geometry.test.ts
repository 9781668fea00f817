import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chain, compose, IDENTITY, invert, mapBox, scaling, translation, transformBoxes, warpAffine, type RgbImage } from '../../../trainer/augment/index.js';

/** A w x h image of `bg` with the rectangle [x1, y1, x2, y2) set to `fg` (single grey levels). */
function rectImage(w: number, h: number, rect: number[], fg = 250, bg = 10): RgbImage {
  const data = new Uint8Array(w * h * 3).fill(bg);
  for (let y = rect[1]!; y < rect[3]!; y++) for (let x = rect[0]!; x < rect[2]!; x++) data.fill(fg, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { data, width: w, height: h };
}

const at = (img: RgbImage, x: number, y: number) => img.data[(y * img.width + x) * 3]!;

test('affine maps compose, invert and move boxes', () => {
  const m = chain(translation(-10, -20), scaling(2), translation(5, 7));
  assert.deepEqual(m, [2, 0, -15, 0, 2, -33]);
  assert.deepEqual(compose(translation(5, 7), compose(scaling(2), translation(-10, -20))), m);
  const back = compose(invert(m), m);
  back.forEach((v, i) => assert.ok(Math.abs(v - IDENTITY[i]!) < 1e-12));
  assert.deepEqual(mapBox(m, [10, 20, 30, 40]), [5, 7, 45, 47]);
  assert.throws(() => invert([0, 0, 1, 0, 0, 1]), /singular/);
});

test('warping with the identity or a whole-pixel shift copies pixels exactly', () => {
  const src = rectImage(16, 12, [3, 2, 9, 7]);
  assert.deepEqual(warpAffine(src, IDENTITY, 16, 12, 0).data, src.data);
  const moved = warpAffine(src, translation(4, -2), 16, 12, 77);
  const expected = rectImage(16, 12, [7, 0, 13, 5]);
  // Uncovered by the shifted source: the 4 left columns and the 2 bottom rows take the fill.
  for (let y = 0; y < 12; y++) for (let x = 0; x < 16; x++) if (x < 4 || y >= 10) expected.data.fill(77, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
  assert.deepEqual(moved.data, expected.data);
});

test('a box mapped with the warp lands on the warped object', () => {
  const src = rectImage(40, 40, [10, 12, 20, 30]);
  for (const m of [chain(scaling(2)), chain(translation(-20, -20), scaling(0.75), translation(23.5, 19.25))]) {
    const out = warpAffine(src, m, 48, 48, 0);
    const [x1, y1, x2, y2] = mapBox(m, [10, 12, 20, 30]);
    // Pixels a pixel inside the mapped box are the object and pixels clear of it background;
    // the ring between blends, being interpolated.
    for (let y = Math.ceil(y1) + 1; y < Math.floor(y2) - 1; y++) for (let x = Math.ceil(x1) + 1; x < Math.floor(x2) - 1; x++) {
      if (x < 48 && y < 48) assert.ok(at(out, x, y) > 200, `inside (${x}, ${y}) is ${at(out, x, y)}`);
    }
    for (const [x, y] of [[Math.floor(x1) - 2, Math.round((y1 + y2) / 2)], [Math.ceil(x2) + 1, Math.round((y1 + y2) / 2)], [Math.round((x1 + x2) / 2), Math.floor(y1) - 2]] as const) {
      if (x >= 0 && x < 48 && y >= 0 && y < 48) assert.ok(at(out, x, y) < 20, `outside (${x}, ${y}) is ${at(out, x, y)}`);
    }
  }
  // Scaled by 2 the left edge maps to x = 20 exactly: pixels 19 and 20 blend symmetrically
  // around it (70 and 190), which sampling at pixel corners would shift by half a pixel.
  const doubled = warpAffine(src, scaling(2), 48, 48, 0);
  assert.deepEqual([at(doubled, 19, 40), at(doubled, 20, 40)], [70, 190]);
});

test('boxes are clipped, and slivers, thin and mostly cut-off boxes dropped', () => {
  const filter = { minSize: 2, minAreaRatio: 0.1, maxAspect: 100 };
  const boxes = [
    { classId: 0, box: [10, 10, 30, 30] as [number, number, number, number] }, // kept
    { classId: 1, box: [-10, 10, 10, 30] as [number, number, number, number] }, // half outside: clipped, kept
    { classId: 2, box: [-19, 10, 1, 30] as [number, number, number, number] }, // 5% left: dropped
    { classId: 3, box: [40, 40, 41, 60] as [number, number, number, number] }, // 1 px wide: dropped
    { classId: 4, box: [60, 60, 80, 80] as [number, number, number, number] }, // outside: dropped
  ];
  assert.deepEqual(transformBoxes(boxes, IDENTITY, 50, 50, filter), [
    { classId: 0, box: [10, 10, 30, 30] },
    { classId: 1, box: [0, 10, 10, 30] },
  ]);
  // Scaling counts against the scaled area, not the original one.
  assert.deepEqual(transformBoxes([boxes[0]!], scaling(0.5), 50, 50, filter), [{ classId: 0, box: [5, 5, 15, 15] }]);
  assert.deepEqual(transformBoxes([boxes[0]!], scaling(0.1), 50, 50, filter), [], 'a 2-pixel box is too small');
});
