import { clipBox } from '../../models/boxes.js';
import type { LabelledBox } from '../datasets/dataset.js';
import type { LoadedImage } from './load-image.js';
import type { Random } from './random.js';
import { copyRect, filledImage, type RgbImage } from './rgb-image.js';

/**
 * Ultralytics' 4-image mosaic: a canvas twice the input size, split at a random centre in its
 * middle half, each quarter showing one image whose corner touches the centre. Four scenes per
 * sample show objects at more scales and in more contexts than one, with no extra images.
 */
export function mosaic4(tiles: readonly LoadedImage[], width: number, height: number, fill: number, rnd: Random): { image: RgbImage; boxes: LabelledBox[] } {
  if (tiles.length !== 4) throw new RangeError(`a mosaic takes 4 images, got ${tiles.length}`);
  const cw = 2 * width;
  const ch = 2 * height;
  const canvas = filledImage(cw, ch, fill);
  const xc = Math.floor(rnd.uniform(width / 2, (3 * width) / 2));
  const yc = Math.floor(rnd.uniform(height / 2, (3 * height) / 2));
  const boxes: LabelledBox[] = [];
  tiles.forEach(({ image, boxes: tileBoxes }, i) => {
    const { width: w, height: h } = image;
    const left = i === 0 || i === 2;
    const top = i === 0 || i === 1;
    // The part of the canvas this quarter covers, and which part of the image shows in it.
    const x1a = left ? Math.max(xc - w, 0) : xc;
    const x2a = left ? xc : Math.min(xc + w, cw);
    const y1a = top ? Math.max(yc - h, 0) : yc;
    const y2a = top ? yc : Math.min(yc + h, ch);
    const x1b = left ? w - (x2a - x1a) : 0;
    const y1b = top ? h - (y2a - y1a) : 0;
    copyRect(image, x1b, y1b, x2a - x1a, y2a - y1a, canvas, x1a, y1a);
    const dx = x1a - x1b;
    const dy = y1a - y1b;
    for (const { classId, box } of tileBoxes) {
      boxes.push({ classId, box: clipBox([box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy], cw, ch) });
    }
  });
  return { image: canvas, boxes };
}
