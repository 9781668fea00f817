import assert from 'node:assert/strict';
import test from 'node:test';
import type { RawTensor } from '../../models/family.js';
import { getFamily, familyNames } from '../../models/registry.js';
import '../../models/families/index.js';
import { UnknownKindError } from '../../models/errors.js';
import type { NanodetHead } from '../../models/families/nanodet.js';

const near = (a: readonly number[], b: readonly number[], eps = 1e-4) =>
  assert.ok(a.every((v, i) => Math.abs(v - b[i]!) < eps), `${a} != ${b}`);

test('the registry knows the three families and lists them for an unknown one', () => {
  assert.deepEqual(familyNames(), ['nanodet', 'yolov8', 'yolox']);
  assert.throws(() => getFamily('yolo9000'), (e: Error) => e instanceof UnknownKindError && /Should be one of: nanodet, yolov8, yolox/.test(e.message));
});

test('yolox: grid offset, exp sizes and obj x cls for one anchor of stride 16', () => {
  const f = getFamily('yolox');
  const head = f.headSchema.parse({});
  // 64x64 input: 8x8 + 4x4 + 2x2 = 84 anchors, 2 classes -> 7 columns.
  const data = new Float32Array(84 * 7);
  const row = 64 + 2 * 4 + 1; // stride 16, gy = 2, gx = 1
  data.set([0.5, 0.25, Math.log(2), 0, 0.9, 0.1, 0.8], row * 7);
  const out: RawTensor[] = [{ dims: [1, 84, 7], data }];
  const ctx = { inputWidth: 64, inputHeight: 64, numClasses: 2, head, scoreThreshold: 0.05, multiLabel: false };
  const c = f.decode(out, ctx);
  assert.equal(c.length, 1);
  near(c[0]!.box, [8, 28, 40, 44]);
  assert.equal(c[0]!.classId, 1);
  near([c[0]!.score], [0.72]);
  const multi = f.decode(out, { ...ctx, multiLabel: true });
  assert.deepEqual(multi.map((m) => m.classId), [0, 1]);
  near(multi.map((m) => m.score), [0.09, 0.72]);
  assert.throws(() => f.checkOutputs([{ name: 'o', shape: [1, 84, 8] }], ctx), /1x84x7/);
  f.checkOutputs([{ name: 'o', shape: [1, 84, 7] }], ctx);
});

function nanodetTensors(combined: boolean): RawTensor[] {
  // 32x32 input, strides 8 and 16: 16 + 4 cells, 3 classes, 4 bins -> 16 box columns.
  const cls16 = new Float32Array(16 * 3);
  const cls4 = new Float32Array(4 * 3);
  const box16 = new Float32Array(16 * 16);
  const box4 = new Float32Array(4 * 16);
  cls4.set([0, 0.7, 0], 1 * 3); // stride 16, cell gx = 1, gy = 0
  const oneHot = (bin: number) => [0, 1, 2, 3].map((b) => (b === bin ? 60 : 0));
  box4.set([...oneHot(1), 0, 0, 0, 0, ...oneHot(3), ...oneHot(0)], 1 * 16); // l = 1, t = 1.5 (uniform), r = 3, b = 0
  if (!combined) {
    return [
      { dims: [1, 4, 16], data: box4 },
      { dims: [1, 16, 3], data: cls16 },
      { dims: [1, 4, 3], data: cls4 },
      { dims: [1, 16, 16], data: box16 },
    ];
  }
  const all = new Float32Array(20 * 19);
  for (let i = 0; i < 16; i++) {
    all.set(cls16.subarray(i * 3, i * 3 + 3), i * 19);
    all.set(box16.subarray(i * 16, i * 16 + 16), i * 19 + 3);
  }
  for (let i = 0; i < 4; i++) {
    all.set(cls4.subarray(i * 3, i * 3 + 3), (16 + i) * 19);
    all.set(box4.subarray(i * 16, i * 16 + 16), (16 + i) * 19 + 3);
  }
  return [{ dims: [1, 20, 19], data: all }];
}

test('nanodet: GFL expectation, stride scaling and the three grid-centre conventions', () => {
  const f = getFamily('nanodet');
  const expected: Record<NanodetHead['gridCenter'], number[]> = {
    'cell-center': [8, -16, 72, 8],
    'pixel-center': [7.5, -16.5, 71.5, 7.5],
    corner: [0, -24, 64, 0],
  };
  for (const [gridCenter, box] of Object.entries(expected)) {
    const head = f.headSchema.parse({ strides: [8, 16], bins: 4, gridCenter });
    const ctx = { inputWidth: 32, inputHeight: 32, numClasses: 3, head, scoreThreshold: 0.3, multiLabel: false };
    for (const combined of [false, true]) {
      const c = f.decode(nanodetTensors(combined), ctx);
      assert.equal(c.length, 1, `${gridCenter} combined=${combined}`);
      near(c[0]!.box, box);
      assert.equal(c[0]!.classId, 1);
      near([c[0]!.score], [0.7]);
    }
  }
});

test('nanodet: outputs that do not fit the bin count are refused with the shapes', () => {
  const f = getFamily('nanodet');
  const head = f.headSchema.parse({ strides: [8, 16], bins: 11 });
  const shapes = nanodetTensors(false).map((t, i) => ({ name: `o${i}`, shape: t.dims }));
  assert.throws(
    () => f.checkOutputs(shapes, { inputWidth: 32, inputHeight: 32, numClasses: 3, head }),
    /no outputs 16x3 \(scores\) and 16x44 \(boxes, 11 bins\) for stride 8/,
  );
});

test('yolov8: channels-first and transposed layouts decode the same box', () => {
  const f = getFamily('yolov8');
  const head = f.headSchema.parse({});
  const ctx = { inputWidth: 64, inputHeight: 64, numClasses: 2, head, scoreThreshold: 0.25, multiLabel: false };
  // 3 anchors x (4 + 2): anchor 1 is a 20x10 box at (50, 40) of class 1.
  const rows = [
    [0, 0, 0, 0, 0.1, 0.1],
    [50, 40, 20, 10, 0.2, 0.6],
    [0, 0, 0, 0, 0.0, 0.2],
  ];
  const transposed = new Float32Array(rows.flat());
  const channelsFirst = new Float32Array(18);
  rows.forEach((r, i) => r.forEach((v, ch) => (channelsFirst[ch * 3 + i] = v)));
  for (const t of [
    { dims: [1, 6, 3], data: channelsFirst },
    { dims: [1, 3, 6], data: transposed },
  ]) {
    const c = f.decode([t], ctx);
    assert.equal(c.length, 1);
    near(c[0]!.box, [40, 35, 60, 45]);
    assert.equal(c[0]!.classId, 1);
    near([c[0]!.score], [0.6]);
  }
  assert.throws(() => f.checkOutputs([{ name: 'output0', shape: [1, 85, 8400] }], ctx), /1x6xN/);
});

test('scoreActivation sigmoid applies to raw logits', () => {
  const f = getFamily('yolov8');
  const head = f.headSchema.parse({ scoreActivation: 'sigmoid' });
  const c = f.decode([{ dims: [1, 1, 5], data: new Float32Array([10, 10, 4, 4, 0]) }], {
    inputWidth: 64,
    inputHeight: 64,
    numClasses: 1,
    head,
    scoreThreshold: 0.1,
    multiLabel: false,
  });
  near([c[0]!.score], [0.5]);
});
