/**
 * A YOLO-layout dataset of synthetic signs pasted onto real photos: each source photo of a split
 * gets `variants` composites with one to `maxSigns` signs of random colour, size, squash,
 * rotation and blur, labelled with the boxes of the pastes (class 0, `sign`). Whatever the photo
 * already shows stays unlabelled background, so a detector must learn the sign, not the photo.
 * The same seed gives the same dataset.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import type { Box } from '../../models/boxes.js';
import { createRandom } from '../augment/index.js';
import { loadDataset } from '../datasets/index.js';
import { randomSign, renderSign } from './sign.js';

export interface SynthOptions {
  /** Photos: a YOLO dataset (data yaml or folder) with the splits below. */
  source: string;
  out: string;
  /** Composites per source photo, by split. */
  variants: Record<string, number>;
  /** Source photos per split at most (all by default). */
  limit?: number;
  /** Signs per composite: 1 to this. */
  maxSigns: number;
  /** Sign diameter range as a fraction of the photo's shorter side. */
  minSize: number;
  maxSize: number;
  seed: number;
}

export const SYNTH_DEFAULTS: Omit<SynthOptions, 'source' | 'out'> = {
  variants: { train: 2, val: 1 },
  maxSigns: 3,
  minSize: 0.06,
  maxSize: 0.3,
  seed: 0,
};

export const SIGN_CLASS = 'sign';

export interface SynthSummary {
  out: string;
  dataYaml: string;
  splits: { split: string; photos: number; images: number; signs: number }[];
}

export async function generateSignDataset(options: Partial<SynthOptions> & Pick<SynthOptions, 'source' | 'out'>): Promise<SynthSummary> {
  const o = { ...SYNTH_DEFAULTS, ...options };
  const out = resolve(o.out);
  await rm(out, { recursive: true, force: true });
  const splits: SynthSummary['splits'] = [];
  for (const [splitIndex, [split, variants]] of Object.entries(o.variants).entries()) {
    const ds = await loadDataset(o.source, { split });
    const photos = ds.images.slice(0, o.limit ?? ds.images.length);
    await mkdir(join(out, 'images', split), { recursive: true });
    await mkdir(join(out, 'labels', split), { recursive: true });
    let images = 0;
    let signs = 0;
    for (const [p, photo] of photos.entries()) {
      for (let v = 0; v < variants; v++) {
        const stem = `${basename(photo.file, extname(photo.file))}_${v}`;
        const n = await composite(photo.file, join(out, 'images', split, `${stem}.jpg`), join(out, 'labels', split, `${stem}.txt`), o, createRandom(o.seed, splitIndex, p, v));
        images++;
        signs += n;
      }
    }
    splits.push({ split, photos: photos.length, images, signs });
  }
  const dataYaml = join(out, 'data.yaml');
  const yamlSplits = Object.keys(o.variants).map((s) => `${s}: images/${s}`).join('\n');
  await writeFile(dataYaml, `# synthetic signs on ${o.source}, seed ${o.seed}\npath: ${out}\n${yamlSplits}\nnames:\n  0: ${SIGN_CLASS}\n`);
  return { out, dataYaml, splits };
}

/** Pastes signs onto one photo; writes the JPEG and its YOLO label file; returns the sign count. */
async function composite(photo: string, imageFile: string, labelFile: string, o: SynthOptions, rnd: ReturnType<typeof createRandom>): Promise<number> {
  const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const short = Math.min(width, height);
  const want = 1 + rnd.int(o.maxSigns);
  const layers: OverlayOptions[] = [];
  const boxes: Box[] = [];
  for (let tries = 0; boxes.length < want && tries < want * 10; tries++) {
    const sign = await renderSign(randomSign(rnd, rnd.uniform(o.minSize, o.maxSize) * short));
    if (sign.width > width || sign.height > height) continue;
    const left = rnd.int(width - sign.width + 1);
    const top = rnd.int(height - sign.height + 1);
    const box: Box = [left + sign.box[0], top + sign.box[1], left + sign.box[2], top + sign.box[3]];
    // Signs do not cover each other: a hidden sign would be a label with nothing to see.
    if (boxes.some((b) => overlaps(b, box))) continue;
    layers.push({ input: sign.png, left, top });
    boxes.push(box);
  }
  await sharp(data, { raw: { width, height, channels: 3 } }).composite(layers).jpeg({ quality: 90 }).toFile(imageFile);
  const lines = boxes.map(([x1, y1, x2, y2]) => `0 ${((x1 + x2) / 2 / width).toFixed(6)} ${((y1 + y2) / 2 / height).toFixed(6)} ${((x2 - x1) / width).toFixed(6)} ${((y2 - y1) / height).toFixed(6)}`);
  await writeFile(labelFile, lines.length ? `${lines.join('\n')}\n` : '');
  return boxes.length;
}

function overlaps(a: Box, b: Box): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}
