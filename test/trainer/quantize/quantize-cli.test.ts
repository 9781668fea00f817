import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { sha256File } from '../../../models/store.js';
import { runCli } from '../../helpers/cli.js';
import { sharedPath } from '../../helpers/shared.js';

/** A fresh model store holding nanodet_m_320, through the CLI as a user would add it. */
async function storeWithNanodet320(yaml: string): Promise<Record<string, string>> {
  const env = { ARGUS_MODELS: mkdtempSync(join(tmpdir(), 'argus-quantize-')) };
  const add = await runCli(['model', 'add', join(yaml, '..', '..', '..', 'models', 'nanodet_m_320.onnx'), '--family', 'nanodet', '--labels', join(yaml, '..', 'coco80.names')], env);
  assert.equal(add.code, 0, add.stderr);
  return env;
}

// fp32 nanodet_m_320 on coco128 val: 28.3 mAP@0.5:0.95. Calibrated on 32 train images, int8 measured
// 27.9 here (x86, onnxruntime 1.30); the bound, the acceptance limit of 1 point, leaves room for
// other CPUs' integer kernels.
const MAX_MAP_LOSS = 0.01;

test('argus quantize: calibrate on 32 coco128 train images, write model.int8.onnx, compare on val', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const env = await storeWithNanodet320(yaml);
  const r = await runCli(['quantize', 'nanodet_m_320', '--calib', yaml, '--images', '32', '--eval', yaml, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.diagnostic(
    `mAP@0.5:0.95 fp32 ${out.fp32.map50_95.toFixed(4)} int8 ${out.int8.map50_95.toFixed(4)}; ` +
      `1 thread ${out.latency_ms.fp32_1t.toFixed(1)} → ${out.latency_ms.int8_1t.toFixed(1)} ms; size ${out.size_ratio.toFixed(2)}x`,
  );
  assert.ok(out.fp32.map50_95 - out.int8.map50_95 < MAX_MAP_LOSS, `int8 ${out.int8.map50_95} vs fp32 ${out.fp32.map50_95}`);
  for (const key of ['fp32_1t', 'int8_1t', 'fp32_2t', 'int8_2t', 'ratio_1t', 'ratio_2t']) assert.ok(out.latency_ms[key] > 0, key);
  assert.ok(out.size_ratio < 0.4, 'int8 weights take about a quarter of the bytes');
  assert.ok(out.per_class.length > 10);
  assert.ok(out.per_class[0].change <= out.per_class.at(-1).change, 'the classes that lost most come first');
  assert.ok(out.op_types_ms.int8.QLinearConv > 0 && (out.op_types_ms.fp32.FusedConv ?? out.op_types_ms.fp32.Conv) > 0);
  assert.equal(out.calibration.images, 32);

  const dir = join(env.ARGUS_MODELS!, 'nanodet_m_320');
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.equal(manifest.files.int8.file, 'model.int8.onnx');
  assert.equal(manifest.files.int8.sha256, await sha256File(join(dir, 'model.int8.onnx')));
  assert.equal(manifest.quantization.format, 'QDQ');
  assert.equal(manifest.calibration.method, 'minmax');
  assert.equal(manifest.evaluation.int8_vs_fp32.int8.map50_95, Number(out.int8.map50_95.toFixed(4)));

  // The int8 file is what `argus eval --precision int8` runs.
  const ev = await runCli(['eval', 'nanodet_m_320', '--data', yaml, '--precision', 'int8', '--json'], env);
  assert.equal(ev.code, 0, ev.stderr);
  assert.ok(Math.abs(JSON.parse(ev.stdout).map50_95 - out.int8.map50_95) < 1e-9);
});

test('argus quantize: bad inputs get messages that say what and where', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const env = await storeWithNanodet320(yaml);
  const work = mkdtempSync(join(tmpdir(), 'argus-calib-'));

  const empty = join(work, 'empty');
  mkdirSync(empty);
  let r = await runCli(['quantize', 'nanodet_m_320', '--calib', empty], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /empty: no images to calibrate with/);

  r = await runCli(['quantize', 'nanodet_m_320', '--calib', join(work, 'missing')], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /missing: no such file or folder/);

  const onnx = join(yaml, '..', '..', '..', 'models', 'nanodet_m_320.onnx');
  r = await runCli(['quantize', onnx, '--calib', empty], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /nanodet_m_320\.onnx has no model\.json.*argus model add/);

  // Two readable images and two that are not: quantizing goes on, the bad ones are counted.
  const mixed = join(work, 'mixed');
  mkdirSync(mixed);
  const trainImages = join(yaml, '..', 'images', 'train2017');
  copyFileSync(join(trainImages, '000000000009.jpg'), join(mixed, 'a.jpg'));
  copyFileSync(join(trainImages, '000000000025.jpg'), join(mixed, 'b.jpg'));
  writeFileSync(join(mixed, 'broken.jpg'), 'not a jpeg');
  writeFileSync(join(mixed, 'truncated.png'), readFileSync(join(trainImages, '000000000030.jpg')).subarray(0, 100));
  r = await runCli(['quantize', 'nanodet_m_320', '--calib', mixed, '--exclude', 'Conv_9*,no_such_node', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.calibration.images, 2);
  assert.equal(out.calibration.skipped, 2);
  assert.match(r.stderr, /broken\.jpg.*skipped/);
  assert.match(r.stderr, /--exclude 'no_such_node' matches no node or tensor/);
  assert.doesNotMatch(r.stderr, /--exclude 'Conv_9\*'/);
  assert.ok(out.quantization.float_ops.excluded.Conv >= 1);

  const bad = join(work, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'x.jpg'), 'nope');
  r = await runCli(['quantize', 'nanodet_m_320', '--calib', bad], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /none of the 1 calibration images could be read/);
});
