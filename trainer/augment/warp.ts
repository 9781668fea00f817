import { invert, type Affine } from './affine.js';
import type { RgbImage } from './rgb-image.js';

/**
 * Resamples `src` through the affine map `m` (source -> output coordinates) into a new image,
 * bilinearly, with `fill` where the output sees past the source. Sampling happens at pixel centres
 * (x + 0.5), so a box mapped with the same `m` lands exactly on the warped pixels; OpenCV's
 * warpAffine samples at integer corners and drifts by (scale − 1) / 2 pixels.
 */
export function warpAffine(src: RgbImage, m: Affine, width: number, height: number, fill: number): RgbImage {
  const [a, b, c, d, e, f] = invert(m);
  const out = new Uint8Array(width * height * 3);
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  const px = new Float64Array(3);
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    for (let x = 0; x < width; x++) {
      const cx = x + 0.5;
      const sx = a * cx + b * cy + c - 0.5;
      const sy = d * cx + e * cy + f - 0.5;
      const o = (y * width + x) * 3;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh) {
        out[o] = out[o + 1] = out[o + 2] = fill;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      px.fill(0);
      // Each of the four neighbours, or the fill value where it lies outside the source.
      for (let k = 0; k < 4; k++) {
        const nx = x0 + (k & 1);
        const ny = y0 + (k >> 1);
        const w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
        if (w === 0) continue;
        if (nx < 0 || ny < 0 || nx >= sw || ny >= sh) {
          px[0] += w * fill;
          px[1] += w * fill;
          px[2] += w * fill;
        } else {
          const i = (ny * sw + nx) * 3;
          px[0] += w * s[i]!;
          px[1] += w * s[i + 1]!;
          px[2] += w * s[i + 2]!;
        }
      }
      out[o] = Math.round(px[0]!);
      out[o + 1] = Math.round(px[1]!);
      out[o + 2] = Math.round(px[2]!);
    }
  }
  return { data: out, width, height };
}
