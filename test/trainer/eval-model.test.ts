import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import sharp from 'sharp';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { storeWith } from '../helpers/store.js';

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

test('argus eval scores only the classes the model has, unless --all-classes', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  // coco128 val with one more class, 'unicorn', that yolox_nano has never heard of: a box in each image.
  const dir = mkdtempSync(join(tmpdir(), 'argus-eval-subset-'));
  const coco = join(yaml, '..');
  const names = readFileSync(join(coco, 'coco80.names'), 'utf8').trim().split('\n');
  mkdirSync(join(dir, 'images', 'val'), { recursive: true });
  mkdirSync(join(dir, 'labels', 'val'), { recursive: true });
  const stems = readdirSync(join(coco, 'labels', 'val2017')).sort().slice(0, 12).map((f) => f.replace(/\.txt$/, ''));
  for (const stem of stems) {
    copyFileSync(join(coco, 'images', 'val2017', `${stem}.jpg`), join(dir, 'images', 'val', `${stem}.jpg`));
    const labels = readFileSync(join(coco, 'labels', 'val2017', `${stem}.txt`), 'utf8').trim();
    writeFileSync(join(dir, 'labels', 'val', `${stem}.txt`), `${labels}\n${names.length} 0.5 0.5 0.2 0.2\n`);
  }
  const data = join(dir, 'data.yaml');
  writeFileSync(data, `path: ${dir}\nval: images/val\nnames:\n${[...names, 'unicorn'].map((n, i) => `  ${i}: ${n}`).join('\n')}\n`);
  const store = await storeWith('yolox_nano');
  const run = async (more: string[]) => {
    const r = await runCli(['--models-dir', store.dir, 'eval', 'yolox_nano', '--data', data, '--json', ...more]);
    assert.equal(r.code, 0, r.stderr);
    return { out: JSON.parse(r.stdout), stderr: r.stderr };
  };
  const shared = await run([]);
  assert.match(shared.stderr, /has no label for 1 dataset class \(unicorn\): their 12 boxes are not scored \(--all-classes scores them as 0 AP\)/);
  assert.deepEqual(shared.out.unscored, { classes: ['unicorn'], boxes: 12 });
  assert.ok(!shared.out.per_class.some((c: { label: string }) => c.label === 'unicorn'));
  const all = await run(['--all-classes']);
  assert.equal(all.out.boxes, shared.out.boxes + 12);
  const unicorn = all.out.per_class.find((c: { label: string }) => c.label === 'unicorn');
  assert.deepEqual([unicorn.gt, unicorn.ap50], [12, 0]);
  // The mean gains one class at 0 AP: the same sum over one more class.
  const k = shared.out.per_class.filter((c: { gt: number }) => c.gt > 0).length;
  assert.ok(Math.abs(all.out.map50 - (shared.out.map50 * k) / (k + 1)) < 1e-9, `${all.out.map50} vs ${shared.out.map50} × ${k}/${k + 1}`);
});
