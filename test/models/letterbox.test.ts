import assert from 'node:assert/strict';
import test from 'node:test';
import type { Box } from '../../models/boxes.js';
import { computeLetterbox, frameToInput, inputToFrame, LETTERBOX_MODES } from '../../models/letterbox.js';

const close = (a: Box, b: Box, eps = 1e-9) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= eps, `${a} vs ${b}`));

test('topleft keeps the aspect ratio and pads right and bottom', () => {
  const lb = computeLetterbox(640, 480, 416, 416, 'topleft');
  assert.deepEqual([lb.resizedWidth, lb.resizedHeight, lb.padLeft, lb.padTop], [416, 312, 0, 0]);
});

test('center splits the padding, floor on the leading side', () => {
  const lb = computeLetterbox(640, 427, 416, 416, 'center');
  assert.equal(lb.resizedWidth, 416);
  assert.equal(lb.resizedHeight, 278);
  assert.equal(lb.padTop, 69);
  assert.equal(lb.padLeft, 0);
  const tall = computeLetterbox(300, 600, 320, 320, 'center');
  assert.deepEqual([tall.resizedWidth, tall.resizedHeight, tall.padLeft, tall.padTop], [160, 320, 80, 0]);
});

test('stretch fills the input without padding', () => {
  const lb = computeLetterbox(640, 480, 320, 320, 'stretch');
  assert.deepEqual([lb.resizedWidth, lb.resizedHeight, lb.padLeft, lb.padTop, lb.scaleX, lb.scaleY], [320, 320, 0, 0, 0.5, 320 / 480]);
});

test('frame -> input -> frame is the identity in every mode and odd size', () => {
  const sizes: [number, number][] = [
    [640, 480],
    [480, 640],
    [333, 777],
    [1920, 1080],
    [100, 100],
    [417, 13],
  ];
  for (const mode of LETTERBOX_MODES) {
    for (const [w, h] of sizes) {
      const lb = computeLetterbox(w, h, 416, 320, mode);
      const box: Box = [w * 0.1, h * 0.2, w * 0.7, h * 0.9];
      close(inputToFrame(lb, frameToInput(lb, box)), box, 1e-9);
      const corners = frameToInput(lb, [0, 0, w, h]);
      assert.ok(corners[2] <= 416 + 1e-9 && corners[3] <= 320 + 1e-9, `${mode} ${w}x${h} fits the input`);
    }
  }
});

test('the frame corners land on the resized area exactly', () => {
  const lb = computeLetterbox(640, 427, 416, 416, 'center');
  close(frameToInput(lb, [0, 0, 640, 427]), [0, 69, 416, 69 + 278]);
});

test('boxes reaching into the padding are clipped to the frame', () => {
  const lb = computeLetterbox(640, 427, 416, 416, 'center');
  close(inputToFrame(lb, [-5, 0, 500, 416]), [0, 0, 640, 427]);
});

test('bad sizes are refused', () => {
  assert.throws(() => computeLetterbox(0, 10, 416, 416, 'center'), RangeError);
});
