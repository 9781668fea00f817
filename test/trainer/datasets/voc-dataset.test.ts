import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../../models/errors.js';
import { loadVocDataset } from '../../../trainer/datasets/index.js';
import { tempRoot, vocXml, writeFiles } from './fixtures.js';

const { root: tmp, cleanup } = tempRoot('argus-voc-');
after(cleanup);

test('labelImg layout: xml beside each image, names collected and sorted, difficult left out', async () => {
  const dir = await writeFiles(tmp, 'labelimg', {
    'b.jpg': { w: 100, h: 80 },
    'b.xml': vocXml('b.jpg', 100, 80, [
      { name: 'zebra', box: [10, 20, 50, 60] },
      { name: 'ant', box: [0, 0, 100, 80] },
      { name: 'ant', box: [5, 5, 15, 15], difficult: true },
    ]),
    'a.png': { w: 30, h: 30 },
    'nested/c.jpg': { w: 20, h: 20 },
    'nested/c.xml': vocXml('c.jpg', 20, 20, [{ name: 'ant', box: [1, 1, 19, 19] }]),
  });
  const ds = await loadVocDataset(dir);
  assert.equal(ds.format, 'voc');
  assert.equal(ds.split, 'all');
  assert.deepEqual(ds.names, ['ant', 'zebra']);
  assert.deepEqual(ds.problems, []);
  assert.deepEqual(ds.ignored, { difficult: 1 });
  assert.equal(ds.unlabelled, 1);
  assert.deepEqual(ds.images, [
    { file: join(dir, 'a.png'), width: 30, height: 30, boxes: [] },
    { file: join(dir, 'b.jpg'), width: 100, height: 80, boxes: [{ classId: 1, box: [10, 20, 50, 60] }, { classId: 0, box: [0, 0, 100, 80] }] },
    { file: join(dir, 'nested/c.jpg'), width: 20, height: 20, boxes: [{ classId: 0, box: [1, 1, 19, 19] }] },
  ]);
});

test('malformed xml and bad objects are reported by file and line; good objects kept', async () => {
  const objects = [
    { name: 'cat', box: [10, 10, 30, 30] }, // object at line 8: good
    { name: 'cat', box: [10, 10, 5, 30] }, // line 18, its <bndbox> at 21: xmax < xmin
    { name: 'dog', box: [10, 10, 20, 20] }, // line 28: not a listed class
    { name: 'cat', box: [10, 10, 300, 30] }, // line 38, <bndbox> at 41: past the image
    { name: 'cat', box: [1, 2, 3, 4] }, // line 48, <xmin> at 52: made bad below
  ];
  const good = vocXml('x.jpg', 64, 48, objects).replace('<xmin>1</xmin>', '<xmin>1,5</xmin>');
  const dir = await writeFiles(tmp, 'broken', {
    'classes.txt': 'cat\nbird\n',
    'x.jpg': { w: 64, h: 48 },
    'x.xml': good + '\n',
    'unclosed.jpg': { w: 10, h: 10 },
    'unclosed.xml': '<annotation>\n  <object>\n    <name>cat</name>\n</annotation>\n',
    'nobox.jpg': { w: 10, h: 10 },
    'nobox.xml': '<annotation>\n  <object>\n    <name>cat</name>\n  </object>\n  <object>\n  </object>\n</annotation>\n',
    'size.jpg': { w: 10, h: 10 },
    'size.xml': vocXml('size.jpg', 20, 10, []),
    'wrongroot.jpg': { w: 10, h: 10 },
    'wrongroot.xml': '<?xml version="1.0"?>\n<doc/>\n',
    'orphan.xml': vocXml('gone.jpg', 10, 10, []),
  });
  const ds = await loadVocDataset(dir);
  assert.deepEqual(ds.names, ['cat', 'bird'], 'from classes.txt');
  assert.deepEqual(ds.images.map((i) => [i.file.slice(dir.length + 1), i.boxes.length]), [
    ['nobox.jpg', 0],
    ['x.jpg', 1],
  ]);
  const got = ds.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line ?? ''}: ${p.reason}`);
  const expected = [
    /^nobox\.xml:2: object 'cat' has no <bndbox>$/,
    /^nobox\.xml:5: <object> has no <name>$/,
    /^orphan\.xml:: no image 'orphan\.\*' beside this annotation$/,
    /^size\.xml:3: <size> says 20x10 but the image is 10x10; image skipped$/,
    /^unclosed\.xml:4: unreadable annotation, image skipped \(end tag <\/annotation> does not match <object> opened on line 2\)$/,
    /^wrongroot\.xml:2: root element is <doc>, expected <annotation>; image skipped$/,
    /^x\.xml:21: box \[10, 10, 5, 30\] has no area/,
    /^x\.xml:28: class 'dog' is not in .*classes\.txt$/,
    /^x\.xml:41: box \[10, 10, 300, 30\] reaches past the 64x48 image$/,
    /^x\.xml:52: <xmin> '1,5' is not a number$/,
  ];
  assert.equal(got.length, expected.length, got.join('\n'));
  expected.forEach((re, i) => assert.match(got[i]!, re));
});

test('Pascal VOC layout: Annotations/, JPEGImages/ and ImageSets/Main split lists', async () => {
  const dir = await writeFiles(tmp, 'voc', {
    'Annotations/001.xml': vocXml('001.jpg', 40, 40, [{ name: 'person', box: [1, 2, 30, 40] }]),
    'Annotations/002.xml': vocXml('002.jpg', 40, 40, [{ name: 'car', box: [0, 0, 10, 10] }]),
    'JPEGImages/001.jpg': { w: 40, h: 40 },
    'JPEGImages/002.jpg': { w: 40, h: 40 },
    'JPEGImages/003.jpg': { w: 40, h: 40 },
    'ImageSets/Main/train.txt': '001\n003\n',
    'ImageSets/Main/val.txt': '002\n004\n',
  });
  const train = await loadVocDataset(dir, { split: 'train' });
  assert.equal(train.split, 'train');
  assert.deepEqual(train.names, ['person']);
  assert.deepEqual(train.images.map((i) => [i.file, i.boxes]), [
    [join(dir, 'JPEGImages/001.jpg'), [{ classId: 0, box: [1, 2, 30, 40] }]],
    [join(dir, 'JPEGImages/003.jpg'), []],
  ]);
  assert.equal(train.unlabelled, 1);

  const val = await loadVocDataset(dir, { split: 'val' });
  assert.deepEqual(val.problems, [{ file: join(dir, 'ImageSets/Main/val.txt'), line: 2, reason: `no image '004.*' in ${join(dir, 'JPEGImages')}` }]);

  const all = await loadVocDataset(dir, { names: join(dir, 'names.txt') }).catch((e: Error) => e);
  assert.ok(all instanceof DataError && /names\.txt: cannot read label file/.test(all.message));
  await assert.rejects(loadVocDataset(dir, { split: 'test' }), /ImageSets\/Main\/test\.txt: no such split list \(splits here: train, val\)/);
});
