import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import sharp from 'sharp';
import { createSource } from '../../../device/sources/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { collectFrames, waitFor } from './wait.js';

/** One second (10 frames) of the shared street scene, cut without re-encoding. */
function clip(t: test.TestContext): string | null {
  const video = sharedPath(t, 'data', 'videos', 'vtest_480x360.mp4');
  if (!video) return null;
  const out = join(mkdtempSync(join(tmpdir(), 'argus-clip-')), 'clip.mp4');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-i', video, '-t', '1', '-c', 'copy', out]);
  return out;
}

test('video:<file> played once gives its frames at the video size, then ends', async (t) => {
  const file = clip(t);
  if (!file) return;
  const source = createSource(`video:${file}`, { fps: 10, loop: false });
  let ended = false;
  source.on('end', () => (ended = true));
  const frames = await collectFrames(source, () => ended);
  assert.ok(frames.length >= 8 && frames.length <= 12, `about 10 frames, got ${frames.length}`);
  const meta = await sharp(frames[0]!.jpeg).metadata();
  assert.deepEqual([meta.width, meta.height], [480, 360]);
  assert.deepEqual(source.stats(), { frames: frames.length, corrupt: 0, restarts: 0, lastFrameAt: frames.at(-1)!.ts });
});

test('video:<file> loops by default, paced in real time', async (t) => {
  const file = clip(t);
  if (!file) return;
  const source = createSource(`video:${file}`, { fps: 20 });
  const started = Date.now();
  const frames = await collectFrames(source, (f) => f.length >= 25);
  assert.ok(frames.length >= 25, 'more frames than the one-second clip has at 20 fps');
  // -re: 25 frames at 20 fps take over a second, not the few ms ffmpeg needs to decode them.
  assert.ok(Date.now() - started > 1000);
  assert.equal(source.stats().restarts, 0, 'looped by ffmpeg, not by restarting it');
});

test('an ffmpeg input that fails is retried with backoff, counted as restarts', async (t) => {
  // A file ffmpeg cannot read: it exits with an error each time.
  const dir = mkdtempSync(join(tmpdir(), 'argus-bad-video-'));
  const bad = join(dir, 'bad.mp4');
  execFileSync('sh', ['-c', `printf 'not a video' > '${bad}'`]);
  const source = createSource(`video:${bad}`, { backoff: { initialMs: 50, maxMs: 100, healthyAfterMs: 5000 } });
  source.start();
  try {
    await waitFor('two restarts', () => source.stats().restarts >= 2, 10_000);
  } finally {
    await source.stop();
  }
  assert.equal(source.stats().frames, 0);
  t.diagnostic(JSON.stringify(source.stats()));
});
