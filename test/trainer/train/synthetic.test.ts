/** The synthetic sign generator: boxes that fit the pasted pixels, and a dataset argus reads back. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { createRandom } from '../../../trainer/augment/index.js';
import { loadDataset } from '../../../trainer/datasets/index.js';
import { generateSignDataset } from '../../../trainer/synthetic/generate.js';
import { randomSign, renderSign } from '../../../trainer/synthetic/sign.js';
import { sharedPath } from '../../helpers/shared.js';

test('a rendered sign is opaque inside its box and transparent outside it', async () => {
  for (let seed = 0; seed < 6; seed++) {
    const sign = await renderSign(randomSign(createRandom(seed), 30 + seed * 15));
    const { data, info } = await sharp(sign.png).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 4);
    const [x1, y1, x2, y2] = sign.box;
    assert.ok(x1 >= 0 && y1 >= 0 && x2 <= sign.width && y2 <= sign.height && x2 - x1 >= 4 && y2 - y1 >= 4, `box [${sign.box}] in ${sign.width}x${sign.height}`);
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const inside = x >= x1 && x < x2 && y >= y1 && y < y2;
        if (!inside) assert.ok(data[(y * info.width + x) * 4 + 3]! < 128, `seed ${seed}: opaque pixel (${x}, ${y}) outside the box`);
      }
    }
    const centre = ((Math.floor((y1 + y2) / 2) * info.width + Math.floor((x1 + x2) / 2)) * 4) + 3;
    assert.ok(data[centre]! >= 128, `seed ${seed}: the box centre is not opaque`);
  }
});

test('generateSignDataset writes a YOLO dataset of composites that loads without problems, same seed same files', async (t) => {
  const coco = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!coco) return;
  const dir = mkdtempSync(join(tmpdir(), 'argus-synth-'));
  try {
    const a = await generateSignDataset({ source: coco, out: join(dir, 'a'), variants: { train: 2, val: 1 }, limit: 3, seed: 7 });
    assert.deepEqual(a.splits.map((s) => [s.split, s.photos, s.images]), [['train', 3, 6], ['val', 3, 3]]);
    for (const split of ['train', 'val']) {
      const ds = await loadDataset(a.dataYaml, { split });
      assert.deepEqual(ds.names, ['sign']);
      assert.deepEqual(ds.problems, []);
      for (const img of ds.images) {
        assert.ok(img.boxes.length >= 1 && img.boxes.length <= 3, `${img.file}: ${img.boxes.length} signs`);
        for (const b of img.boxes) assert.ok(b.box[0] >= 0 && b.box[1] >= 0 && b.box[2] <= img.width && b.box[3] <= img.height);
      }
    }
    const b = await generateSignDataset({ source: coco, out: join(dir, 'b'), variants: { train: 2, val: 1 }, limit: 3, seed: 7 });
    const labels = async (root: string) => (await loadDataset(join(root, 'data.yaml'), { split: 'train' })).images.map((i) => i.boxes);
    assert.deepEqual(await labels(b.out), await labels(a.out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
