import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../../models/errors.js';
import { detectFormat, loadDataset } from '../../../trainer/datasets/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { tempRoot, vocXml, writeFiles } from './fixtures.js';

const { root: tmp, cleanup } = tempRoot('argus-load-');
after(cleanup);

test('the format is read from the path', async () => {
  const yoloDir = await writeFiles(tmp, 'yolo', { 'obj.names': 'a\n', 'images/train/x.png': { w: 4, h: 4 }, 'labels/train/x.txt': '0 0.5 0.5 1 1\n' });
  const cocoDir = await writeFiles(tmp, 'coco', { 'annotations/instances_train.json': '{}', 'annotations/instances_val.json': '{}' });
  const vocDir = await writeFiles(tmp, 'voc', { 'train/x.png': { w: 4, h: 4 }, 'train/x.xml': vocXml('x.png', 4, 4, [{ name: 'a', box: [0, 0, 4, 4] }]) });
  const pascal = await writeFiles(tmp, 'pascal', { 'Annotations/.keep': '' });
  const other = await writeFiles(tmp, 'other', { 'readme.md': 'hi', 'data.csv': '' });

  assert.deepEqual(detectFormat(yoloDir), { format: 'yolo', file: yoloDir });
  assert.deepEqual(detectFormat(join(cocoDir, 'annotations/instances_val.json')), { format: 'coco', file: join(cocoDir, 'annotations/instances_val.json') });
  assert.deepEqual(detectFormat(cocoDir, 'val'), { format: 'coco', file: join(cocoDir, 'annotations/instances_val.json') });
  assert.throws(() => detectFormat(cocoDir), /more than one json \(instances_train\.json, instances_val\.json\): pass the json file, or --split/);
  assert.deepEqual(detectFormat(vocDir), { format: 'voc', file: vocDir });
  assert.deepEqual(detectFormat(pascal).format, 'voc');
  assert.throws(() => detectFormat(other), (e: Error) => e instanceof DataError && /not a dataset folder/.test(e.message));
  assert.throws(() => detectFormat(join(other, 'data.csv')), /not a dataset: expected a data yaml/);
  assert.throws(() => detectFormat(join(tmp, 'nope')), /no such file or folder/);

  const voc = await loadDataset(vocDir, { split: 'train' });
  assert.deepEqual([voc.format, voc.split, voc.images.length], ['voc', 'train', 1]);
});

test('a YOLO dataset loads into the common form with its split, default train', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const ds = await loadDataset(yaml);
  assert.deepEqual([ds.format, ds.split, ds.images.length, ds.unlabelled], ['yolo', 'train', 128, 2]);
  assert.deepEqual(ds.ignored, {});
  assert.equal('missingLabelFiles' in ds, false);
});
