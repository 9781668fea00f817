import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { DataError } from '../../models/errors.js';
import { labelPathFor, loadYoloDataset } from '../../trainer/datasets/yolo-dataset.js';
import { sharedPath } from '../helpers/shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'argus-yolo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh dataset folder with the given files; `.png` entries are {w, h} images, the rest text. */
async function dataset(name: string, files: Record<string, string | { w: number; h: number }>): Promise<string> {
  const root = join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof content === 'string') writeFileSync(file, content);
    else await sharp({ create: { width: content.w, height: content.h, channels: 3, background: '#808080' } }).png().toFile(file);
  }
  return root;
}

test('label paths follow the Ultralytics rule', () => {
  assert.equal(labelPathFor('/d/images/val/a.b.jpg'), '/d/labels/val/a.b.txt');
  assert.equal(labelPathFor('/images/d/images/x/y.png'), '/images/d/labels/x/y.txt');
  assert.equal(labelPathFor('/d/pics/y.png'), '/d/pics/y.txt');
});

test('data yaml with names as a map, path relative to the yaml', async () => {
  const root = await dataset('map', {
    'data.yaml': 'path: .\ntrain: images/train\nval: images/val\nnames:\n  0: cat\n  1: dog\n',
    'images/val/b.png': { w: 200, h: 100 },
    'images/val/a.png': { w: 100, h: 50 },
    'labels/val/a.txt': '1 0.5 0.5 0.5 0.4\n0 0.25 0.25 0.5 0.5\n',
    'images/train/c.png': { w: 10, h: 10 },
  });
  const ds = await loadYoloDataset(join(root, 'data.yaml'), 'val');
  assert.equal(ds.root, root);
  assert.equal(ds.split, 'val');
  assert.deepEqual(ds.names, ['cat', 'dog']);
  assert.deepEqual(ds.problems, []);
  assert.deepEqual(ds.images.map((i) => [i.file, i.width, i.height]), [
    [join(root, 'images/val/a.png'), 100, 50],
    [join(root, 'images/val/b.png'), 200, 100],
  ]);
  assert.deepEqual(ds.images[0].boxes, [
    { classId: 1, box: [25, 15, 75, 35] },
    { classId: 0, box: [0, 0, 50, 25] },
  ]);
  // b.png has no label file: a background image, counted.
  assert.deepEqual(ds.images[1].boxes, []);
  assert.equal(ds.missingLabelFiles, 1);
});

test('data yaml with names as a list, a .txt image list and a list of folders', async () => {
  const root = await dataset('list', {
    'sets/data.yml': 'path: ../ds\nval: [images/v1, images/v2]\ntest: lists/test.txt\nnames: [cat, dog]\n',
    'ds/images/v1/a.png': { w: 8, h: 8 },
    'ds/images/v2/nested/b.png': { w: 8, h: 8 },
    'ds/images/v2/notes.md': 'not an image',
    'ds/labels/v2/nested/b.txt': '0 0.5 0.5 1 1\n',
    'ds/lists/test.txt': '../images/v1/a.png\n\n../images/v1/gone.png\n',
  });
  const val = await loadYoloDataset(join(root, 'sets/data.yml'), 'val');
  assert.deepEqual(val.names, ['cat', 'dog']);
  assert.deepEqual(val.images.map((i) => i.file), [join(root, 'ds/images/v1/a.png'), join(root, 'ds/images/v2/nested/b.png')]);
  assert.deepEqual(val.images[1].boxes, [{ classId: 0, box: [0, 0, 8, 8] }]);

  const testSplit = await loadYoloDataset(join(root, 'sets/data.yml'), 'test');
  assert.deepEqual(testSplit.images.map((i) => i.file), [join(root, 'ds/images/v1/a.png')]);
  assert.equal(testSplit.problems.length, 1);
  assert.equal(testSplit.problems[0].file, join(root, 'ds/lists/test.txt'));
  assert.equal(testSplit.problems[0].line, 3);
  assert.match(testSplit.problems[0].reason, /gone\.png does not exist/);
});

test('a dataset folder: its one yaml, or images/<split> + labels/<split> + a names file', async () => {
  const withYaml = await dataset('folder-yaml', {
    'coco.yaml': 'path: .\nval: images/val\nnames: [a]\n',
    'images/val/x.png': { w: 4, h: 4 },
  });
  assert.equal((await loadYoloDataset(withYaml, 'val')).images.length, 1);

  const plain = await dataset('folder', {
    'obj.names': 'person\ncar\n',
    'images/val2017/x.png': { w: 40, h: 20 },
    'labels/val2017/x.txt': '1 0.5 0.5 0.5 0.5\n',
  });
  const ds = await loadYoloDataset(plain, 'val2017');
  assert.deepEqual(ds.names, ['person', 'car']);
  assert.deepEqual(ds.images[0].boxes, [{ classId: 1, box: [10, 5, 30, 15] }]);
  await assert.rejects(loadYoloDataset(plain, 'train'), (e: Error) =>
    e instanceof DataError && e.file === join(plain, 'images', 'train') && /splits here: val2017/.test(e.message));
});

test('bad label lines are reported by file and line and skipped, good ones kept', async () => {
  const root = await dataset('bad-labels', {
    'data.yaml': 'path: .\nval: images/val\nnames: [a, b]\n',
    'images/val/x.png': { w: 100, h: 100 },
    'labels/val/x.txt': [
      '0 0.5 0.5 0.2 0.2', // 1: good
      '0 0.5 0.5 0.2', // 2: 4 fields
      '1 0.5 abc 0.2 0.2', // 3: not a number
      '2 0.5 0.5 0.2 0.2', // 4: class out of range
      '1 0.5 0.5 0 0.2', // 5: zero width
      '1 0.5 0.5 -0.1 0.2', // 6: negative width
      '1 50 50 20 20', // 7: pixels, not normalised
      '', // 8: blank, ignored
      '0 0.5 0.5 0.2 0.2', // 9: duplicate of line 1
      '1 0.995 0.5 0.02 0.2', // 10: edge 0.5% past the border: within tolerance, kept
      '1.5 0.5 0.5 0.2 0.2', // 11: class not an integer
      '0 0.1 0.1 0.2 0.2 0.3 0.3 0.4', // 12: a polygon
    ].join('\n'),
  });
  const ds = await loadYoloDataset(root, 'val');
  const labelFile = join(root, 'labels/val/x.txt');
  assert.deepEqual(ds.images[0].boxes.map((b) => b.classId), [0, 1]);
  assert.ok(ds.problems.every((p) => p.file === labelFile));
  const byLine = new Map(ds.problems.map((p) => [p.line, p.reason]));
  assert.deepEqual([...byLine.keys()], [2, 3, 4, 5, 6, 7, 9, 11, 12]);
  assert.match(byLine.get(2)!, /4 fields, expected 5/);
  assert.match(byLine.get(3)!, /'abc' is not a number/);
  assert.match(byLine.get(4)!, /class 2 is not a class index 0\.\.1/);
  assert.match(byLine.get(5)!, /must be positive/);
  assert.match(byLine.get(6)!, /must be positive/);
  assert.match(byLine.get(7)!, /past the image/);
  assert.match(byLine.get(9)!, /duplicate of line 1/);
  assert.match(byLine.get(11)!, /class 1\.5 is not a class index/);
  assert.match(byLine.get(12)!, /8 fields.*polygons are not supported/);
});

test('corrupt images are reported and skipped', async () => {
  const root = await dataset('corrupt', {
    'data.yaml': 'path: .\nval: images/val\nnames: [a]\n',
    'images/val/good.png': { w: 4, h: 4 },
    'images/val/bad.jpg': 'this is not a JPEG',
    'labels/val/bad.txt': '0 0.5 0.5 0.2 0.2\n',
  });
  const ds = await loadYoloDataset(root, 'val');
  assert.deepEqual(ds.images.map((i) => i.file), [join(root, 'images/val/good.png')]);
  assert.equal(ds.problems.length, 1);
  assert.equal(ds.problems[0].file, join(root, 'images/val/bad.jpg'));
  assert.match(ds.problems[0].reason, /unreadable image/);
});

test('unknown or missing splits are errors that name the file and field', async () => {
  const root = await dataset('splits', {
    'data.yaml': 'path: .\ntrain: images/train\nval: images/missing\nnames: [a]\n',
    'images/train/x.png': { w: 4, h: 4 },
  });
  const yaml = join(root, 'data.yaml');
  const dataError = (pattern: RegExp) => (e: Error) => e instanceof DataError && e.file === yaml && pattern.test(e.message);
  await assert.rejects(loadYoloDataset(yaml, 'validation'), dataError(/unknown split 'validation': use one of train, val, test/));
  await assert.rejects(loadYoloDataset(yaml, 'test'), dataError(/field 'test': not set/));
  await assert.rejects(loadYoloDataset(yaml, 'val'), dataError(/field 'val': .*images\/missing does not exist/));
  await assert.rejects(loadYoloDataset(join(root, 'nope.yaml'), 'val'), /nope\.yaml: no such file or folder/);
});

test('coco128 from shared data: both splits', async (t) => {
  const config = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!config) return;
  const count = (ds: Awaited<ReturnType<typeof loadYoloDataset>>) => ds.images.reduce((s, i) => s + i.boxes.length, 0);

  const val = await loadYoloDataset(config, 'val');
  assert.equal(val.names.length, 80);
  assert.equal(val.images.length, 128);
  // shared/README's "1,839 boxes in all" counts every label file (val 898 + train 929 + 12 in
  // labels_orphans); the val2017 split itself holds 898.
  assert.equal(count(val), 898);
  assert.equal(val.missingLabelFiles, 0);
  assert.deepEqual(val.problems, []);
  for (const img of val.images) {
    for (const { box } of img.boxes) assert.ok(box[0] >= -1 && box[2] <= img.width + 1 && box[1] >= -1 && box[3] <= img.height + 1, img.file);
  }

  const train = await loadYoloDataset(config, 'train');
  assert.equal(train.images.length, 128);
  assert.equal(train.missingLabelFiles, 2);
  assert.equal(count(train), 929);
});
