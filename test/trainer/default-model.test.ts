import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import '../../models/families/index.js';
import { Detector } from '../../device/detect/detector.js';
import { EVAL_DEFAULTS, evaluateModel } from '../../trainer/eval/evaluate-model.js';
import { buildDefaultModel, DEFAULT_MODEL } from '../../trainer/importers/default-model.js';
import { searchPreprocessing } from '../../trainer/importers/preprocess-search.js';
import { sharedPath } from '../helpers/shared.js';
import { tempStore } from '../helpers/store.js';

test('the default model is built from the npm package with its int8 file and reaches the reference mAP on coco128 val', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const store = tempStore();
  const m = await buildDefaultModel(store);
  assert.equal(m.name, DEFAULT_MODEL);
  assert.equal(m.labels.length, 80);
  assert.deepEqual([m.input.width, m.input.height], [416, 416]);
  assert.equal(m.head.bins, 11);
  assert.match(String(m.source?.package), /^@vladmandic\/human-models@/);
  assert.equal(m.files.int8?.file, 'model.int8.onnx');
  assert.match(String(m.calibration?.source), /^device\/demo: 3 photos, 96 augmented variants/);
  const scores: Record<string, number> = {};
  for (const precision of ['fp32', 'int8'] as const) {
    const det = await Detector.open(store, DEFAULT_MODEL, { ...EVAL_DEFAULTS, precision });
    try {
      const r = await evaluateModel(det, yaml, 'val');
      t.diagnostic(`coco-nanodet ${precision} on coco128 val: mAP@0.5:0.95 ${r.map50_95.toFixed(4)}, mAP@0.5 ${r.map50.toFixed(4)}`);
      scores[precision] = r.map50_95;
      if (precision === 'fp32') {
        // An independent TF.js evaluation of the same npm model got 29.3 / 44.4.
        assert.ok(r.map50_95 >= 0.293, `mAP@0.5:0.95 ${r.map50_95}`);
        assert.ok(r.map50 >= 0.444, `mAP@0.5 ${r.map50}`);
      }
    } finally {
      await det.close();
    }
  }
  // Measured 29.9 → 29.6 here; the bound for int8 is one point.
  assert.ok(scores.fp32! - scores.int8! < 0.01, `int8 ${scores.int8} vs fp32 ${scores.fp32}`);
  await assert.rejects(buildDefaultModel(store), /already exists/);
});

test('the preprocessing search ranks the right channel order and normalisation first', async (t) => {
  const val = sharedPath(t, 'data', 'coco128', 'images', 'val2017');
  if (!val) return;
  // A 24-image slice keeps the ten evaluations quick; its ranking still separates the candidates.
  const root = tempStore().dir;
  for (const sub of ['images/val', 'labels/val']) mkdirSync(join(root, sub), { recursive: true });
  for (const f of readdirSync(val).sort().slice(0, 24)) {
    copyFileSync(join(val, f), join(root, 'images/val', f));
    const label = join(val, '..', '..', 'labels', 'val2017', f.replace(/\.jpg$/, '.txt'));
    if (existsSync(label)) copyFileSync(label, join(root, 'labels/val', f.replace(/\.jpg$/, '.txt')));
  }
  copyFileSync(join(val, '..', '..', 'coco80.names'), join(root, 'coco80.names'));
  writeFileSync(join(root, 'data.yaml'), `path: .\nval: images/val\nnames: ${JSON.stringify((await import('../../models/coco-labels.js')).COCO80)}\n`);
  const store = tempStore();
  await buildDefaultModel(store, { int8: false });
  const results = await searchPreprocessing(store.open(DEFAULT_MODEL), join(root, 'data.yaml'), 'val');
  assert.equal(results.length, 10);
  assert.match(results[0]!.name, /^BGR mean\/std/);
  const corner = results.find((r) => r.name.endsWith('grid corner'))!;
  assert.ok(corner.map50_95 < results[0]!.map50_95 - 0.05, 'grid corners at g*stride cost several points');
});
