import type { LabelledBox } from '../datasets/dataset.js';
import type { RgbImage } from './rgb-image.js';

/** Mirrors the image left-right in place and returns the boxes mirrored with it. */
export function flipHorizontal(img: RgbImage, boxes: readonly LabelledBox[]): LabelledBox[] {
  const { data, width, height } = img;
  for (let y = 0; y < height; y++) {
    for (let l = y * width * 3, r = l + (width - 1) * 3; l < r; l += 3, r -= 3) {
      for (let c = 0; c < 3; c++) {
        const t = data[l + c]!;
        data[l + c] = data[r + c]!;
        data[r + c] = t;
      }
    }
  }
  return boxes.map(({ classId, box }) => ({ classId, box: [width - box[2], box[1], width - box[0], box[3]] }));
}
