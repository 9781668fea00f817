/**
 * An 8-bit RGB image, pixels interleaved row by row: what sharp's `raw()` gives and what
 * `fillTensor` (device/detect/preprocess.ts) turns into the model's NCHW input, so training feeds
 * the model through the same code as deployment.
 */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export function filledImage(width: number, height: number, value: number): RgbImage {
  return { data: new Uint8Array(width * height * 3).fill(value), width, height };
}

/**
 * Copies the rectangle [sx, sy, sx + w, sy + h) of `src` to (dx, dy) in `dst`. The caller keeps
 * both rectangles inside their images (mosaic placement computes them so).
 */
export function copyRect(src: RgbImage, sx: number, sy: number, w: number, h: number, dst: RgbImage, dx: number, dy: number): void {
  for (let y = 0; y < h; y++) {
    const from = ((sy + y) * src.width + sx) * 3;
    dst.data.set(src.data.subarray(from, from + w * 3), ((dy + y) * dst.width + dx) * 3);
  }
}
