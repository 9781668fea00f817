import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../../models/errors.js';
import { loadCocoDataset, loadDataset, type Dataset } from '../../../trainer/datasets/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { tempRoot, writeFiles } from './fixtures.js';

const { root: tmp, cleanup } = tempRoot('argus-coco-');
after(cleanup);

function coco(images: unknown[], annotations: unknown[], categories: unknown[] = [{ id: 1, name: 'cat' }]): string {
  return JSON.stringify({ images, annotations, categories });
}

test('coco128: the COCO json and the YOLO labels of the train split agree', async (t) => {
  const json = sharedPath(t, 'data', 'coco128', 'annotations', 'instances_train2017.json');
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!json || !yaml) return;
  const fromCoco = await loadDataset(json);
  const fromYolo = await loadDataset(yaml, { split: 'train' });
  assert.equal(fromCoco.format, 'coco');
  assert.equal(fromCoco.split, 'train2017');
  assert.deepEqual(fromCoco.problems, []);
  assert.deepEqual(fromCoco.names, fromYolo.names);
  assert.deepEqual(fromCoco.ignored, { iscrowd: 10 });
  assert.equal(fromCoco.unlabelled, fromYolo.unlabelled);
  assert.deepEqual(
    fromCoco.images.map((i) => i.file),
    fromYolo.images.map((i) => i.file),
  );
  assert.deepEqual(perClass(fromCoco), perClass(fromYolo));
  fromCoco.images.forEach((img, i) => {
    const other = fromYolo.images[i]!;
    assert.deepEqual([img.width, img.height], [other.width, other.height]);
    // Pair each COCO box with the nearest unused YOLO box of its class: all within a pixel.
    const unused = [...other.boxes];
    for (const b of img.boxes) {
      const j = nearest(unused, b);
      assert.ok(j >= 0, `${img.file}: no YOLO box of class ${b.classId}`);
      const dist = Math.max(...b.box.map((v, k) => Math.abs(v - unused[j]!.box[k]!)));
      assert.ok(dist <= 1, `${img.file}: class ${b.classId} box ${b.box} is ${dist.toFixed(2)} px from ${unused[j]!.box}`);
      unused.splice(j, 1);
    }
  });
});

function perClass(ds: Dataset): number[] {
  const counts = ds.names.map(() => 0);
  for (const img of ds.images) for (const b of img.boxes) counts[b.classId]!++;
  return counts;
}

function nearest(boxes: Dataset['images'][number]['boxes'], b: Dataset['images'][number]['boxes'][number]): number {
  let best = -1;
  let bestDist = Infinity;
  boxes.forEach((o, j) => {
    if (o.classId !== b.classId) return;
    const d = Math.max(...o.box.map((v, k) => Math.abs(v - b.box[k]!)));
    if (d < bestDist) [best, bestDist] = [j, d];
  });
  return best;
}

test('category ids become class indices in id order; names from the categories', async () => {
  const dir = await writeFiles(tmp, 'remap', {
    'annotations.json': coco(
      [{ id: 7, file_name: 'a.png', width: 100, height: 50 }],
      [
        { id: 1, image_id: 7, category_id: 9, bbox: [10, 5, 20, 10] },
        { id: 2, image_id: 7, category_id: 2, bbox: [0, 0, 100, 50] },
      ],
      [{ id: 9, name: 'dog' }, { id: 2, name: 'cat' }, { id: 5, name: 'bird' }],
    ),
    'a.png': { w: 100, h: 50 },
  });
  const ds = await loadCocoDataset(join(dir, 'annotations.json'));
  assert.deepEqual(ds.names, ['cat', 'bird', 'dog']);
  assert.equal(ds.split, 'annotations');
  assert.deepEqual(ds.images, [{ file: join(dir, 'a.png'), width: 100, height: 50, boxes: [{ classId: 2, box: [10, 5, 30, 15] }, { classId: 0, box: [0, 0, 100, 50] }] }]);
  assert.deepEqual(ds.problems, []);
});

test('bad annotations and images are reported by entry and skipped; crowd boxes counted', async () => {
  const dir = await writeFiles(tmp, 'bad', {
    'data/annotations/instances_val.json': coco(
      [
        { id: 1, file_name: 'good.png', width: 40, height: 40 },
        { id: 2, file_name: 'missing.png', width: 40, height: 40 },
        { id: 3, file_name: 'wrong-size.png', width: 40, height: 40 },
        { id: 4, file_name: 'empty.png', width: 40, height: 40 },
        { id: 1, file_name: 'again.png', width: 40, height: 40 },
        { id: 5, file_name: 'nosize.png' },
      ],
      [
        { id: 10, image_id: 1, category_id: 1, bbox: [1, 1, 10, 10] },
        { id: 11, image_id: 1, category_id: 1, bbox: [1, 1, 10] },
        { id: 12, image_id: 1, category_id: 3, bbox: [1, 1, 10, 10] },
        { id: 13, image_id: 99, category_id: 1, bbox: [1, 1, 10, 10] },
        { id: 14, image_id: 1, category_id: 1, bbox: [30, 30, 20, 20] },
        { id: 15, image_id: 1, category_id: 1, bbox: [5, 5, 0, 4] },
        { id: 16, image_id: 1, category_id: 1, bbox: [1, 1, 10, 10] },
        { id: 17, image_id: 1, category_id: 1, bbox: [0, 0, 40, 40], iscrowd: 1 },
        { id: 18, image_id: 3, category_id: 1, bbox: [1, 1, 10, 10] },
      ],
    ),
    'data/images/val/good.png': { w: 40, h: 40 },
    'data/images/val/wrong-size.png': { w: 41, h: 40 },
    'data/images/val/empty.png': { w: 40, h: 40 },
  });
  const json = join(dir, 'data/annotations/instances_val.json');
  const ds = await loadCocoDataset(json);
  const imagesDir = join(dir, 'data/images/val');
  assert.equal(ds.split, 'val');
  assert.deepEqual(ds.images.map((i) => [i.file, i.boxes.length]), [
    [join(imagesDir, 'empty.png'), 0],
    [join(imagesDir, 'good.png'), 1],
  ]);
  assert.equal(ds.unlabelled, 1, 'empty.png has no annotation at all');
  assert.deepEqual(ds.ignored, { iscrowd: 1 });
  const reasons = ds.problems.map((p) => `${p.file === json ? 'json' : p.file}: ${p.reason}`);
  const expected = [
    /^json: images\[4\]: id 1 is also images\[0\]'s, skipped$/,
    /^json: images\[5\]: width undefined and height undefined must be positive integers/,
    /^json: annotations\[1\] \(id 11\): bbox \[1,1,10\] is not four numbers/,
    /^json: annotations\[2\] \(id 12\): category_id 3 is not in 'categories'$/,
    /^json: annotations\[3\] \(id 13\): image_id 99 is not in 'images'$/,
    /^json: annotations\[4\] \(id 14\): box \[30, 30, 50, 50\] reaches past the 40x40 image$/,
    /^json: annotations\[5\] \(id 15\): box \[5, 5, 5, 9\] has no area/,
    /^json: annotations\[6\] \(id 16\): duplicate of annotations\[0\]$/,
    /missing\.png: unreadable image .*skipped$/,
    /wrong-size\.png: image is 41x40 but instances_val\.json says 40x40, skipped$/,
  ];
  assert.equal(reasons.length, expected.length, reasons.join('\n'));
  expected.forEach((re, i) => assert.match(reasons[i]!, re));
});

test('images are found beside the json, in ../images/<split>, or where --images says', async () => {
  const beside = await writeFiles(tmp, 'beside', {
    'set.json': coco([{ id: 1, file_name: 'sub/x.png', width: 8, height: 8 }], []),
    'sub/x.png': { w: 8, h: 8 },
  });
  assert.equal((await loadCocoDataset(join(beside, 'set.json'))).images[0]!.file, join(beside, 'sub/x.png'));

  const elsewhere = await writeFiles(tmp, 'elsewhere', {
    'ann/set.json': coco([{ id: 1, file_name: 'x.png', width: 8, height: 8 }], []),
    'pics/x.png': { w: 8, h: 8 },
  });
  await assert.rejects(loadCocoDataset(join(elsewhere, 'ann/set.json')), (e: Error) =>
    e instanceof DataError && /cannot find the images: none of .* holds 'x\.png'; name the image folder \(--images\)/.test(e.message));
  const ds = await loadCocoDataset(join(elsewhere, 'ann/set.json'), { images: join(elsewhere, 'pics') });
  assert.equal(ds.images[0]!.file, join(elsewhere, 'pics/x.png'));
});

test('a broken json or category list is an error naming the file and field', async () => {
  const dir = await writeFiles(tmp, 'broken', {
    'notjson.json': '{"images": [',
    'nocats.json': JSON.stringify({ images: [], annotations: [] }),
    'dupcats.json': coco([], [], [{ id: 1, name: 'a' }, { id: 1, name: 'b' }]),
    'badcat.json': coco([], [], [{ id: 'x', name: 'a' }]),
  });
  const rejects = (file: string, re: RegExp) =>
    assert.rejects(loadCocoDataset(join(dir, file)), (e: Error) => e instanceof DataError && e.message.startsWith(join(dir, file)) && re.test(e.message));
  await rejects('notjson.json', /not valid JSON/);
  await rejects('nocats.json', /field 'categories': expected a list/);
  await rejects('dupcats.json', /field 'categories': id 1 appears twice/);
  await rejects('badcat.json', /field 'categories\[0\]': expected \{id: integer, name: text\}/);
});
