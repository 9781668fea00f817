/**
 * A PNG grid of the model's predictions on validation images, each drawn by the device's own
 * annotation (boxes, labels, scores) at the manifest's score threshold, as a deployed model
 * would report them.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { annotateJpeg } from '../../device/detect/annotate.js';
import { Detector } from '../../device/detect/detector.js';
import type { StoredModel } from '../../models/store.js';

const TILE = 320;
const GAP = 4;

export async function writePredictionGrid(file: string, model: StoredModel, images: readonly string[]): Promise<number> {
  if (images.length === 0) throw new RangeError('no images for the prediction grid');
  const detector = await Detector.fromModel(model);
  const tiles: Buffer[] = [];
  let detections = 0;
  try {
    for (const img of images) {
      const r = await detector.detect(img);
      detections += r.detections.length;
      const drawn = await annotateJpeg(img, r.detections);
      tiles.push(await sharp(drawn).resize(TILE, TILE, { fit: 'contain', background: { r: 40, g: 40, b: 40 } }).png().toBuffer());
    }
  } finally {
    await detector.close();
  }
  const cols = Math.ceil(Math.sqrt(tiles.length));
  const rows = Math.ceil(tiles.length / cols);
  await mkdir(dirname(file), { recursive: true });
  await sharp({ create: { width: cols * (TILE + GAP) + GAP, height: rows * (TILE + GAP) + GAP, channels: 3, background: { r: 40, g: 40, b: 40 } } })
    .composite(tiles.map((input, i) => ({ input, left: GAP + (i % cols) * (TILE + GAP), top: GAP + Math.floor(i / cols) * (TILE + GAP) })))
    .png()
    .toFile(file);
  return detections;
}
