import assert from 'node:assert/strict';
import test from 'node:test';
import sharp from 'sharp';
import { createSource, findLibcameraTool } from '../../../device/sources/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { makeFakeCamera, withPath } from './fake-camera.js';
import { collectFrames, waitFor } from './wait.js';

const VAL = ['data', 'coco128', 'images', 'val2017'];
const PHOTOS = ['000000000139.jpg', '000000000285.jpg', '000000000724.jpg'];
/** Quick restarts, so the test does not wait out real backoff. */
const FAST = { backoff: { initialMs: 100, maxMs: 400, healthyAfterMs: 5000 } };

function photos(t: test.TestContext): string[] | null {
  const dir = sharedPath(t, ...VAL);
  return dir ? PHOTOS.map((p) => `${dir}/${p}`) : null;
}

test('libcamera streams frames from one rpicam-vid, skipping and counting corrupt ones', async (t) => {
  const images = photos(t);
  if (!images) return;
  const cam = makeFakeCamera({ images, fps: 20, corruptEvery: 4 });
  await withPath(`${cam.dir}:${process.env.PATH}`, async () => {
    const source = createSource('libcamera', { width: 640, height: 480, fps: 20, extraArgs: ['--rotation', '180'], ...FAST });
    assert.match(source.name, /^libcamera \(.*rpicam-vid 640x480@20\)$/);
    const frames = await collectFrames(source, (f) => f.length >= 12);
    const stats = source.stats();
    assert.ok(stats.corrupt >= 2, `corrupt frames counted: ${JSON.stringify(stats)}`);
    assert.equal(stats.restarts, 0);
    assert.equal(stats.frames, frames.length);
    assert.equal(stats.lastFrameAt, frames.at(-1)!.ts);
    frames.forEach((f, i) => assert.equal(f.seq, i, 'sequence numbers count the frames handed out'));
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i]!.ts >= frames[i - 1]!.ts);
    // Every frame handed out decodes: the damaged ones never reach a consumer.
    const sizes = await Promise.all(frames.map(async (f) => (await sharp(f.jpeg, { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true })).info.width));
    assert.ok(sizes.every((w) => w > 0));
    assert.deepEqual(cam.runs(), [
      ['--codec', 'mjpeg', '-t', '0', '-o', '-', '--width', '640', '--height', '480', '--framerate', '20', '--nopreview', '--rotation', '180'],
    ]);
  });
});

test('a camera process that exits is restarted with backoff and frames resume', async (t) => {
  const images = photos(t);
  if (!images) return;
  const cam = makeFakeCamera({ images, fps: 20, exitAfter: 5 });
  await withPath(`${cam.dir}:${process.env.PATH}`, async () => {
    const source = createSource('libcamera', { fps: 20, ...FAST });
    const frames = await collectFrames(source, (f) => f.length >= 12);
    assert.equal(source.stats().restarts, 1);
    assert.equal(cam.runs().length, 2, 'started once, then once again');
    assert.ok(frames.length >= 12, 'frames after the restart');
  });
});

test('a camera process that hangs is killed and restarted', async (t) => {
  const images = photos(t);
  if (!images) return;
  // At 1 fps the camera is silent far longer than the stall timeout.
  const cam = makeFakeCamera({ images, fps: 1 });
  await withPath(`${cam.dir}:${process.env.PATH}`, async () => {
    const source = createSource('libcamera', { stallTimeoutMs: 200, ...FAST });
    source.start();
    try {
      await waitFor('a restart after a stall', () => source.stats().restarts >= 1, 5000);
    } finally {
      await source.stop();
    }
  });
});

test('auto chooses libcamera when rpicam-vid is on PATH; libcamera-vid is the fallback', async (t) => {
  const images = photos(t);
  if (!images) return;
  const cam = makeFakeCamera({ images, fps: 20 });
  await withPath(`${cam.dir}:${process.env.PATH}`, async () => {
    const source = createSource('auto', { fps: 20 });
    assert.match(source.name, /^libcamera \(/);
    const frames = await collectFrames(source, (f) => f.length >= 2);
    assert.ok(frames.length >= 2);
  });
  const old = makeFakeCamera({ images, name: 'libcamera-vid' });
  await withPath(old.dir, () => assert.equal(findLibcameraTool(), old.path));
});

test('stop() ends the camera process and no frame comes after', async (t) => {
  const images = photos(t);
  if (!images) return;
  const cam = makeFakeCamera({ images, fps: 30 });
  await withPath(`${cam.dir}:${process.env.PATH}`, async () => {
    const source = createSource('libcamera', FAST);
    const frames = await collectFrames(source, (f) => f.length >= 3);
    const count = frames.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(frames.length, count);
    assert.equal(source.stats().restarts, 0, 'a stop is no crash to restart from');
  });
});
