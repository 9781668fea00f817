/**
 * `trainModel` end to end on a handful of synthetic-sign images at a tiny input size: head
 * surgery, the loop with validation and checkpoints, a bad label line skipped, the store model
 * (fp32 and int8) that the device's Detector runs, the plots, then a resume that goes on where
 * the checkpoint stopped.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Detector } from '../../../device/detect/detector.js';
import { generateSignDataset } from '../../../trainer/synthetic/generate.js';
import { trainModel } from '../../../trainer/train/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

test('train, quantize, detect, resume: a few steps on eight images', { timeout: 240_000 }, async (t) => {
  const coco = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!coco) return;
  const dir = mkdtempSync(join(tmpdir(), 'argus-train-'));
  const store = await storeWith('yolox_nano');
  try {
    const data = await generateSignDataset({ source: coco, out: join(dir, 'signs'), variants: { train: 1, val: 1 }, limit: 8, seed: 1 });
    const labelDir = join(data.out, 'labels', 'train');
    const broken = join(labelDir, readdirSync(labelDir).sort()[0]!);
    appendFileSync(broken, '0 0.5 0.5 nan 0.2\n');
    const brokenLine = readFileSync(broken, 'utf8').trim().split('\n').length;
    const lines: string[] = [];
    const say = (l: string) => lines.push(l);
    const runDir = join(dir, 'run');
    const started = performance.now();
    const r = await trainModel(store, { options: { data: data.dataYaml, model: 'yolox_nano', size: 96, epochs: 2, batch: 4, name: 'signs-e2e', runDir, quantize: true, calibImages: 8, gridImages: 4, backend: 'wasm' } }, say);
    t.diagnostic(`trained in ${((performance.now() - started) / 1000).toFixed(0)} s, val mAP@0.5 ${r.validation.map50.toFixed(3)}`);
    t.diagnostic(lines.filter((l) => l.startsWith('epoch')).join('\n'));

    assert.ok(lines.some((l) => l.includes(`skipped ${broken}:${brokenLine}:`)), `the bad line is reported:\n${lines.join('\n')}`);
    assert.equal(r.epochs, 2);
    assert.ok(lines.some((l) => l.startsWith('epoch 2/2')));
    const model = store.open('signs-e2e');
    assert.deepEqual(model.manifest.labels, ['sign']);
    assert.deepEqual([model.manifest.input.width, model.manifest.input.height], [96, 96]);
    assert.equal(model.manifest.family, 'yolox');
    assert.ok(model.manifest.files.int8, 'model.int8.onnx recorded');
    assert.equal(typeof (model.manifest.evaluation as { map50: unknown }).map50, 'number');
    assert.equal((model.manifest.source as { base: string }).base, 'yolox_nano');
    for (const precision of ['fp32', 'int8'] as const) {
      const detector = await Detector.fromModel(model, { precision, scoreThreshold: 0.001 });
      try {
        const out = await detector.detect(join(data.out, 'images', 'val', readdirSync(join(data.out, 'images', 'val'))[0]!));
        assert.ok(out.detections.every((d) => d.label === 'sign'));
      } finally {
        await detector.close();
      }
    }
    for (const f of Object.values(r.files).filter((f) => f.endsWith('.png'))) assert.equal((await sharp(f).metadata()).format, 'png', f);
    assert.deepEqual(JSON.parse(readFileSync(r.files.history, 'utf8')).map((h: { epoch: number }) => h.epoch), [0, 1, 2]);
    assert.ok(lines.some((l) => l.startsWith('before training: val mAP@0.5')));
    assert.ok(r.quantize && Number.isFinite(r.quantize.int8.map50));

    // Interrupted after epoch 2 of 3: the resumed run trains epoch 3 only, from the checkpoint.
    const stateFile = join(runDir, 'checkpoint', 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    delete state.finished;
    state.plannedEpochs = 3;
    state.totalSteps = 3 * (state.step / 2);
    state.options.epochs = 3;
    state.options.quantize = false;
    state.options.force = true;
    writeFileSync(stateFile, JSON.stringify(state));
    const again: string[] = [];
    const r2 = await trainModel(store, { resume: runDir }, (l) => again.push(l));
    assert.ok(again.some((l) => l.startsWith('resuming signs-e2e after epoch 2 of 3')), again.join('\n'));
    assert.ok(!again.some((l) => l.startsWith('epoch 1/') || l.startsWith('epoch 2/')));
    assert.equal(r2.epochs, 3);
    assert.deepEqual(JSON.parse(readFileSync(r2.files.history, 'utf8')).map((h: { epoch: number }) => h.epoch), [0, 1, 2, 3]);
    await assert.rejects(trainModel(store, { resume: runDir }, () => undefined), /already finished/);
    assert.ok(existsSync(join(store.modelDir('signs-e2e'), 'model.onnx')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(store.dir, { recursive: true, force: true });
  }
});
