import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import sharp from 'sharp';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';

// An independent pycocotools-style evaluation of these models on coco128 val2017 gets
// yolox_nano 33.6 / 49.4 and nanodet_m_320 28.3 / 41.7 (mAP@0.5:0.95 / mAP@0.5).
test('argus eval on coco128 val reproduces the reference mAP of the shared models', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const env = { ARGUS_MODELS: mkdtempSync(join(tmpdir(), 'argus-eval-')) };
  const names = join(yaml, '..', 'coco80.names');
  const expected = { nanodet_m_320: [0.283, 0.417, 'nanodet'], yolox_nano: [0.336, 0.494, 'yolox'] } as const;
  for (const [name, [map, map50, family]] of Object.entries(expected)) {
    const add = await runCli(['model', 'add', join(yaml, '..', '..', '..', 'models', `${name}.onnx`), '--family', family, '--labels', names], env);
    assert.equal(add.code, 0, add.stderr);
    const plot = join(env.ARGUS_MODELS, `${name}-pr.png`);
    const r = await runCli(['eval', name, '--data', yaml, '--split', 'val', '--json', '--plot', plot], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    t.diagnostic(`${name}: mAP@0.5:0.95 ${out.map50_95.toFixed(4)} mAP@0.5 ${out.map50.toFixed(4)} ${out.images_per_s.toFixed(1)} images/s`);
    assert.equal(out.images, 128);
    assert.ok(Math.abs(out.map50_95 - map) < 0.01, `${name} mAP@0.5:0.95 ${out.map50_95}`);
    assert.ok(Math.abs(out.map50 - map50) < 0.01, `${name} mAP@0.5 ${out.map50}`);
    const person = out.per_class.find((c: { label: string }) => c.label === 'person');
    assert.ok(person.gt > 100 && person.ap50 > 0.5);
    assert.equal((await sharp(plot).metadata()).format, 'png');
  }
});
