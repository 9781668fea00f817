/** `argus train`'s refusals: each says what is wrong before any training starts and leaves nothing behind. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

test('argus train without --data (or --resume) is a plain error naming the option', async () => {
  const r = await runCli(['train', '--model', 'yolox_nano']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /option '--data <dataset>' is required \(or --resume <run-dir>\)/);
});

test('argus train names a dataset that does not exist, and a class the dataset lacks, and writes no run', async (t) => {
  const coco = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!coco) return;
  const store = await storeWith('yolox_nano');
  const dir = mkdtempSync(join(tmpdir(), 'argus-train-cli-'));
  const base = ['--models-dir', store.dir, 'train', '--model', 'yolox_nano', '--name', 'refused'];
  const missing = await runCli([...base, '--data', join(dir, 'nowhere', 'data.yaml'), '--run-dir', join(dir, 'run1')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, new RegExp(`${join(dir, 'nowhere', 'data.yaml')}: no such file or folder`));
  const unknown = await runCli([...base, '--data', coco, '--classes', 'person,unicorn', '--run-dir', join(dir, 'run2')]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /coco128: no class 'unicorn' in the dataset\. Should be among: person, bicycle, car/);
  assert.ok(!existsSync(join(dir, 'run1')) && !existsSync(join(dir, 'run2')), 'no run folder written');
  assert.ok(!existsSync(join(store.dir, 'refused')), 'no store model written');
});
