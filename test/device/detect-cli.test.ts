import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import sharp from 'sharp';
import { sharedPath } from '../helpers/shared.js';
import { runCli } from '../helpers/cli.js';

test('argus model add, detect --json --annotate on a folder, then on a video clip', async (t) => {
  const onnx = sharedPath(t, 'models', 'yolox_nano.onnx');
  const val = sharedPath(t, 'data', 'coco128', 'images', 'val2017');
  const video = sharedPath(t, 'data', 'videos', 'vtest_480x360.mp4');
  if (!onnx || !val || !video) return;
  const work = mkdtempSync(join(tmpdir(), 'argus-cli-'));
  const env = { ARGUS_MODELS: join(work, 'store') };
  const names = join(val, '..', '..', 'coco80.names');

  const added = await runCli(['model', 'add', onnx, '--family', 'yolox', '--labels', names, '--name', 'yx'], env);
  assert.equal(added.code, 0, added.stderr);
  const list = await runCli(['model', 'list', '--json'], env);
  assert.deepEqual(JSON.parse(list.stdout), [{ name: 'yx', family: 'yolox', classes: 80, input: [416, 416], precisions: ['fp32'] }]);

  const images = join(work, 'images');
  mkdirSync(images);
  for (const f of readdirSync(val).sort().slice(0, 3)) copyFileSync(join(val, f), join(images, f));
  const out = join(work, 'annotated');
  const r = await runCli(['detect', 'yx', images, '--json', '--annotate', out, '--threshold', '0.3'], env);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  for (const l of lines) {
    assert.ok(l.image.w > 0 && l.image.h > 0);
    assert.deepEqual(l.model, { name: 'yx', precision: 'fp32' });
    for (const d of l.detections) {
      assert.ok(d.score >= 0.3);
      assert.ok(d.box[0] >= 0 && d.box[2] <= l.image.w && d.box[3] <= l.image.h);
      assert.ok(Math.abs(d.box_norm[2] - d.box[2] / l.image.w) < 1e-3);
    }
  }
  assert.ok(lines.some((l) => l.detections.length > 0));
  const drawn = readdirSync(out).sort();
  assert.equal(drawn.length, 3);
  const meta = await sharp(join(out, drawn[0]!)).metadata();
  assert.equal(meta.format, 'jpeg');

  const clip = join(work, 'clip.mp4');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-i', video, '-t', '1', '-c', 'copy', clip]);
  const v = await runCli(['detect', 'yx', clip, '--json', '--fps', '5'], env);
  assert.equal(v.code, 0, v.stderr);
  const frames = v.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(frames.length >= 4 && frames.length <= 6, `${frames.length} frames`);
  assert.deepEqual(frames.map((f) => f.frame), frames.map((_, i) => i));
  assert.ok(frames.every((f) => f.image.w === 480 && f.image.h === 360));
  assert.ok(frames.some((f) => f.detections.some((d: { label: string }) => d.label === 'person')));
});

test('argus detect names a missing input and an unknown model, and exits non-zero', async (t) => {
  const onnx = sharedPath(t, 'models', 'yolox_nano.onnx');
  if (!onnx) return;
  const env = { ARGUS_MODELS: mkdtempSync(join(tmpdir(), 'argus-cli-')) };
  const unknown = await runCli(['detect', 'nope', onnx], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /model 'nope' not found in the model store/);
  const names = join(onnx, '..', '..', 'data', 'coco128', 'coco80.names');
  await runCli(['model', 'add', onnx, '--family', 'yolox', '--labels', names], env);
  const missing = await runCli(['detect', 'yolox_nano', '/no/such/photo.jpg'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /\/no\/such\/photo\.jpg: no such file or folder/);
  const badFlag = await runCli(['detect', 'yolox_nano', onnx, '--threshold', '7'], env);
  assert.notEqual(badFlag.code, 0);
  assert.match(badFlag.stderr, /--threshold.*expected a number from 0 to 1/);
});
