import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import sharp from 'sharp';
import '../../../models/families/index.js';
import { Detector } from '../../../device/detect/detector.js';
import { imagesIn } from '../../../device/detect/inputs.js';
import { createSource, demoFolder } from '../../../device/sources/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';
import { collectFrames } from './wait.js';

test('images:<folder> loops its images in name order, converts PNG, counts unreadable files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'argus-images-'));
  const colour = (r: number) => sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: 0, b: 0 } } });
  await colour(10).jpeg().toFile(join(dir, 'a.jpg'));
  await colour(200).png().toFile(join(dir, 'b.png'));
  writeFileSync(join(dir, 'c.jpg'), 'not an image');
  writeFileSync(join(dir, 'notes.txt'), 'not listed');
  const source = createSource(`images:${dir}`, { fps: 50 });
  const frames = await collectFrames(source, (f) => f.length >= 4);
  const reds = await Promise.all(frames.map(async (f) => (await sharp(f.jpeg).stats()).channels[0]!.mean));
  // a, b, (c skipped), a, b, ...
  reds.forEach((r, i) => assert.ok(i % 2 === 0 ? r < 50 : r > 150, `frame ${i} red mean ${r}`));
  assert.equal((await sharp(frames[1]!.jpeg).metadata()).format, 'jpeg');
  assert.ok(source.stats().corrupt >= 1);
});

test('demo holds each of its small JPEGs for a while, and yolox_nano finds a person, a cup and a cat in them', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  assert.ok(demoFolder().endsWith(join('device', 'demo')) && !demoFolder().includes('dist'), 'found from the project root, not dist/');
  const source = createSource('demo', { fps: 20 });
  const frames = await collectFrames(source, (f) => f.length >= 3);
  assert.ok(frames.every((f) => f.jpeg.equals(frames[0]!.jpeg)), 'a still scene: the same photo for several frames');
  const photos = imagesIn(demoFolder());
  assert.equal(photos.length, 3);
  for (const p of photos) assert.ok(statSync(p).size < 100_000);
  const detector = await Detector.open(await storeWith('yolox_nano'), 'yolox_nano');
  try {
    const labels = new Set<string>();
    for (const p of photos) for (const d of (await detector.detect(p)).detections) labels.add(d.label);
    for (const want of ['person', 'cup', 'cat']) assert.ok(labels.has(want), `${want} in ${[...labels].join(', ')}`);
  } finally {
    await detector.close();
  }
});
