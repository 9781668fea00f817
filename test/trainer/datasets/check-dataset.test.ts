import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkDataset, checkReportText, loadDataset } from '../../../trainer/datasets/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempRoot, writeFiles } from './fixtures.js';

const { root: tmp, cleanup } = tempRoot('argus-check-');
after(cleanup);

/** A small YOLO dataset with one of each kind of trouble. */
async function brokenDataset(): Promise<string> {
  const dir = await writeFiles(tmp, 'broken', {
    'data.yaml': 'path: .\ntrain: images/train\nnames: [cat, dog, bird]\n',
    'images/train/a.png': { w: 100, h: 100, color: '#ff0000' },
    'labels/train/a.txt': '0 0.5 0.5 0.2 0.2\n0 0.3 0.3 0.1 0.1\n1 0.996 0.5 0.02 0.2\n',
    'images/train/b.png': { w: 100, h: 100, color: '#00ff00' },
    'labels/train/b.txt': '1 0.5 0.5 0.2\n7 0.5 0.5 0.2 0.2\n',
    'images/train/c.png': { w: 100, h: 100, color: '#0000ff' },
    'labels/train/d.txt': '0 0.5 0.5 0.2 0.2\n',
  });
  copyFileSync(join(dir, 'images/train/a.png'), join(dir, 'images/train/d.png'));
  return dir;
}

test('the check counts per class and lists problems, overhanging boxes and duplicates', async () => {
  const dir = await brokenDataset();
  const r = await checkDataset(await loadDataset(dir));
  assert.deepEqual([r.format, r.split, r.images, r.boxes, r.unlabelled, r.withoutBoxes, r.usable], ['yolo', 'train', 4, 4, 1, 1, true]);
  assert.deepEqual(r.classes, [
    { classId: 0, name: 'cat', images: 2, boxes: 3 },
    { classId: 1, name: 'dog', images: 1, boxes: 1 },
    { classId: 2, name: 'bird', images: 0, boxes: 0 },
  ]);
  assert.deepEqual(r.problems.map((p) => [p.file, p.line]), [
    [join(dir, 'labels/train/b.txt'), 1],
    [join(dir, 'labels/train/b.txt'), 2],
  ]);
  assert.equal(r.outOfRange.length, 1);
  assert.deepEqual([r.outOfRange[0]!.file, r.outOfRange[0]!.classId], [join(dir, 'images/train/a.png'), 1]);
  assert.deepEqual(r.duplicates, [[join(dir, 'images/train/a.png'), join(dir, 'images/train/d.png')]]);

  const text = checkReportText(r);
  assert.match(text, /\(yolo, split train\): 4 images, 4 boxes, 2 of 3 classes/);
  assert.match(text, /\n {2}cat +2 +3\n/);
  assert.match(text, /classes without boxes: bird/);
  assert.match(text, /1 images without labels/);
  assert.match(text, /1 labelled images left with no boxes/);
  assert.ok(text.includes(`${join(dir, 'labels/train/b.txt')}:1: 4 fields, expected 5`), text);
  assert.ok(text.includes(`${join(dir, 'labels/train/b.txt')}:2: class 7 is not a class index 0..2`), text);
  assert.match(text, /1 boxes reach past the image edge.*\n {2}.*a\.png: dog \[98\.6, 40, 100\.6, 60\] in 100x100/);
  assert.ok(text.includes(`${join(dir, 'images/train/a.png')} = ${join(dir, 'images/train/d.png')}`));
  assert.match(text, /usable for training$/);
});

test('argus data check prints every problem and fails only when nothing is usable', async () => {
  const dir = await brokenDataset();
  const ok = await runCli(['data', 'check', dir]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(ok.stdout.includes(`${join(dir, 'labels/train/b.txt')}:1: 4 fields`));
  assert.ok(ok.stdout.includes(`${join(dir, 'labels/train/b.txt')}:2: class 7`));

  const json = await runCli(['data', 'check', dir, '--json']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).problems.length, 2);

  const empty = await writeFiles(tmp, 'empty', {
    'data.yaml': 'path: .\ntrain: images/train\nnames: [cat]\n',
    'images/train/a.png': { w: 10, h: 10 },
    'labels/train/a.txt': 'cat 0.5 0.5 0.2 0.2\n',
  });
  const bad = await runCli(['data', 'check', empty]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /a\.txt:1: 'cat' is not a number[\s\S]*nothing usable: no image has a box/);

  const missing = await runCli(['data', 'check', join(tmp, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope: no such file or folder/);
});
