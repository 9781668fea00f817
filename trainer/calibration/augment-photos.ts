import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { createRandom } from '../augment/random.js';

/**
 * Writes `count` augmented variants of a few photos into `outDir` as JPEGs: random crops (40–100 %
 * of each side), horizontal flips, brightness, saturation and contrast changes, and some blur. A
 * handful of photos seen this many ways spans the activation ranges of a detector much better than
 * the photos alone, which is what int8 calibration needs when no dataset is at hand.
 */
export async function writeAugmentedPhotos(photos: readonly string[], outDir: string, count: number, seed = 1): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const rnd = createRandom(seed).next;
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const photo = photos[i % photos.length]!;
    const meta = await sharp(photo).metadata();
    const w = meta.width!;
    const h = meta.height!;
    const cw = Math.max(16, Math.round(w * (0.4 + 0.6 * rnd())));
    const ch = Math.max(16, Math.round(h * (0.4 + 0.6 * rnd())));
    let img = sharp(photo).extract({ left: Math.floor(rnd() * (w - cw + 1)), top: Math.floor(rnd() * (h - ch + 1)), width: cw, height: ch });
    if (rnd() < 0.5) img = img.flop();
    img = img.modulate({ brightness: 0.6 + 0.8 * rnd(), saturation: 0.5 + rnd() }).linear(0.7 + 0.6 * rnd(), 0);
    if (rnd() < 0.25) img = img.blur(0.5 + 1.5 * rnd());
    const file = join(outDir, `${basename(photo, extname(photo))}-${String(i).padStart(3, '0')}.jpg`);
    await img.jpeg({ quality: 90 }).toFile(file);
    files.push(file);
  }
  return files;
}
