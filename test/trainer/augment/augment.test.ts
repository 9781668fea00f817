import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { preprocessInto } from '../../../device/detect/preprocess.js';
import { LETTERBOX_MODES } from '../../../models/letterbox.js';
import type { PreprocessSpec } from '../../../models/preprocess-spec.js';
import {
  augmentSample,
  createRandom,
  DEFAULT_AUGMENT,
  flipHorizontal,
  hsvJitter,
  letterboxSample,
  mosaic4,
  previewPng,
  type AugmentOptions,
  type Random,
  type RgbImage,
} from '../../../trainer/augment/index.js';
import { loadDataset, type LabelledImage } from '../../../trainer/datasets/index.js';
import { runCli } from '../../helpers/cli.js';
import { sharedPath } from '../../helpers/shared.js';
import { tempRoot, writeFiles } from '../datasets/fixtures.js';

const { root: tmp, cleanup } = tempRoot('argus-augment-');
after(cleanup);

/** A Random whose every draw is `v`: uniform(lo, hi) gives lo + (hi − lo)·v. */
function fixed(v: number): Random {
  return { next: () => v, uniform: (lo, hi) => lo + (hi - lo) * v, int: (n) => Math.min(n - 1, Math.floor(v * n)) };
}

const pixel = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

/** Class colours of the synthetic objects: each image shows one square of its class colour. */
const COLOURS = [[230, 30, 30], [30, 30, 230], [30, 200, 30]] as const;

/** Photos of grey background with one coloured square each, labelled with its class. */
async function squares(): Promise<LabelledImage[]> {
  const specs = [
    { w: 120, h: 80, box: [20, 10, 70, 60], cls: 0 },
    { w: 64, h: 96, box: [8, 40, 56, 90], cls: 1 },
    { w: 100, h: 100, box: [50, 50, 95, 95], cls: 2 },
    { w: 90, h: 60, box: [0, 0, 40, 30], cls: 1 },
  ];
  return Promise.all(
    specs.map(async (s, i) => {
      const file = join(tmp, `square-${i}.png`);
      const [r, g, b] = COLOURS[s.cls]!;
      const square = await sharp({ create: { width: s.box[2]! - s.box[0]!, height: s.box[3]! - s.box[1]!, channels: 3, background: { r, g, b } } }).png().toBuffer();
      await sharp({ create: { width: s.w, height: s.h, channels: 3, background: '#808080' } })
        .composite([{ input: square, left: s.box[0]!, top: s.box[1]! }])
        .png()
        .toFile(file);
      return { file, width: s.w, height: s.h, boxes: [{ classId: s.cls, box: s.box as [number, number, number, number] }] };
    }),
  );
}

/** The share of pixels well inside each box that show that box's class colour. */
function onObject(img: RgbImage, boxes: { classId: number; box: number[] }[]): number[] {
  return boxes.map(({ classId, box }) => {
    let hits = 0;
    let all = 0;
    for (let y = Math.ceil(box[1]!) + 1; y < Math.floor(box[3]!) - 1; y++) {
      for (let x = Math.ceil(box[0]!) + 1; x < Math.floor(box[2]!) - 1; x++) {
        const p = pixel(img, x, y);
        all++;
        if (p.every((v, c) => Math.abs(v - COLOURS[classId]![c]!) < 40)) hits++;
      }
    }
    return all === 0 ? 1 : hits / all;
  });
}

test('the evaluation letterbox gives the pixels deployment preprocessing gives', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const img = (await loadDataset(yaml, { split: 'val' })).images[3]!;
  for (const letterbox of LETTERBOX_MODES) {
    const spec: PreprocessSpec = { color: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], letterbox, pad: 114, resize: 'linear' };
    const sample = await letterboxSample(img, { width: 320, height: 256, letterbox, pad: 114, resize: 'linear' });
    const tensor = new Float32Array(3 * 320 * 256);
    await preprocessInto(img.file, spec, 320, 256, tensor);
    const planar = new Float32Array(3 * 320 * 256);
    for (let i = 0; i < 320 * 256; i++) for (let c = 0; c < 3; c++) planar[c * 320 * 256 + i] = sample.image.data[i * 3 + c]!;
    assert.deepEqual(planar, tensor, `${letterbox}: training and deployment pixels differ`);
    assert.equal(sample.boxes.length, img.boxes.length);
  }
});

test('hue turns, saturation and value scale, a zero gain changes nothing', () => {
  const img = { data: Uint8Array.from([255, 0, 0, 0, 0, 255, 128, 128, 128]), width: 3, height: 1 };
  hsvJitter(img, [0, 0, 0], createRandom(1));
  assert.deepEqual(Array.from(img.data), [255, 0, 0, 0, 0, 255, 128, 128, 128]);
  hsvJitter(img, [1 / 3, 0, 0], fixed(1)); // a third of the circle: red -> green, blue -> red
  assert.deepEqual(Array.from(img.data), [0, 255, 0, 255, 0, 0, 128, 128, 128]);
  hsvJitter(img, [0, 0.5, 0.5], fixed(0)); // saturation and value × 0.5
  assert.deepEqual(Array.from(img.data), [64, 128, 64, 128, 64, 64, 64, 64, 64]);
});

test('a flip mirrors pixels and boxes', () => {
  const img = { data: Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]), width: 3, height: 2 };
  const boxes = flipHorizontal(img, [{ classId: 2, box: [0, 0, 1, 2] }]);
  assert.deepEqual(Array.from(img.data), [3, 3, 3, 2, 2, 2, 1, 1, 1, 6, 6, 6, 5, 5, 5, 4, 4, 4]);
  assert.deepEqual(boxes, [{ classId: 2, box: [2, 0, 3, 2] }]);
});

test('a mosaic puts one image in each quarter around its centre, boxes moved along', () => {
  const tile = (v: number, w: number, h: number) => ({ image: { data: new Uint8Array(w * h * 3).fill(v), width: w, height: h }, boxes: [{ classId: v, box: [0, 0, w, h] as [number, number, number, number] }] });
  // With every draw 0.5 the centre is the canvas centre: (W, H) = (40, 30).
  const { image, boxes } = mosaic4([tile(1, 30, 20), tile(2, 50, 10), tile(3, 10, 40), tile(4, 20, 20)], 40, 30, 0, fixed(0.5));
  assert.deepEqual([image.width, image.height], [80, 60]);
  assert.deepEqual(boxes, [
    { classId: 1, box: [10, 10, 40, 30] },
    { classId: 2, box: [40, 20, 80, 30] }, // 50 wide, cut at the canvas edge
    { classId: 3, box: [30, 30, 40, 60] }, // 40 tall, cut at the canvas edge
    { classId: 4, box: [40, 30, 60, 50] },
  ]);
  assert.deepEqual([pixel(image, 39, 29)[0], pixel(image, 40, 29)[0], pixel(image, 39, 30)[0], pixel(image, 40, 30)[0]], [1, 2, 3, 4]);
  assert.deepEqual([pixel(image, 5, 5)[0], pixel(image, 70, 55)[0]], [0, 0], 'uncovered canvas keeps the fill');
});

test('augmented samples are repeatable by seed, sized to the input, boxes on their objects', async () => {
  const images = await squares();
  const opts: AugmentOptions = { ...DEFAULT_AUGMENT, width: 160, height: 128, hsv: [0, 0, 0] };
  for (let seed = 0; seed < 12; seed++) {
    const a = await augmentSample(images, seed % images.length, opts, createRandom(7, seed));
    const b = await augmentSample(images, seed % images.length, opts, createRandom(7, seed));
    assert.deepEqual(a, b, `seed ${seed} is not repeatable`);
    assert.deepEqual([a.image.width, a.image.height, a.image.data.length], [160, 128, 160 * 128 * 3]);
    for (const { box } of a.boxes) assert.ok(box[0] >= 0 && box[1] >= 0 && box[2] <= 160 && box[3] <= 128 && box[2] - box[0] > 2 && box[3] - box[1] > 2);
    onObject(a.image, a.boxes).forEach((share, i) => assert.ok(share > 0.9, `seed ${seed} box ${i} (${a.boxes[i]!.box.map(Math.round)}) is ${Math.round(share * 100)}% on its object`));
  }
  const other = await augmentSample(images, 0, opts, createRandom(8, 0));
  const first = await augmentSample(images, 0, opts, createRandom(7, 0));
  assert.notDeepEqual(other.image.data, first.image.data);
});

test('with every augmentation off a sample is the deployment letterbox', async () => {
  const images = await squares();
  for (const letterbox of LETTERBOX_MODES) {
    const opts: AugmentOptions = { ...DEFAULT_AUGMENT, width: 96, height: 96, letterbox, pad: 0, mosaic: 0, scale: 0, translate: 0, flip: 0, hsv: [0, 0, 0] };
    const sample = await augmentSample(images, 1, opts, createRandom(3));
    const plain = await letterboxSample(images[1]!, opts);
    assert.deepEqual(sample.image, plain.image, letterbox);
    assert.deepEqual(sample.boxes, plain.boxes);
    assert.ok(onObject(sample.image, sample.boxes)[0]! > 0.95, letterbox);
  }
});

test('the preview is a PNG grid; argus data preview writes one', async () => {
  const images = await squares();
  const opts: AugmentOptions = { ...DEFAULT_AUGMENT, width: 64, height: 64 };
  const samples = await Promise.all([0, 1, 2, 3, 0].map((i, k) => augmentSample(images, i, opts, createRandom(1, k))));
  const meta = await sharp(await previewPng(samples, ['red', 'blue', 'green'])).metadata();
  // 5 samples: 3 columns, 2 rows of 64 px with 4 px gaps.
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 3 * 68 + 4, 2 * 68 + 4]);

  const dir = await writeFiles(tmp, 'cli', {
    'data.yaml': 'path: .\ntrain: images/train\nnames: [thing]\n',
    'images/train/a.png': { w: 50, h: 40, color: '#aa3300' },
    'labels/train/a.txt': '0 0.5 0.5 0.5 0.5\n',
  });
  const out = join(tmp, 'out', 'grid.png');
  const r = await runCli(['data', 'preview', dir, '--size', '96', '--count', '4', '--out', out, '--seed', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /grid\.png: 4 samples of .* \(yolo, split train\), \d+ boxes, 96x96, seed 3/);
  assert.ok(existsSync(out));
  const grid = await sharp(out).metadata();
  assert.deepEqual([grid.width, grid.height], [2 * 100 + 4, 2 * 100 + 4]);
});
