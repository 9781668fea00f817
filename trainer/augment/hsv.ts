import type { Random } from './random.js';
import type { RgbImage } from './rgb-image.js';

/**
 * Random colour jitter in HSV, in place: hue turned by up to ±`gains[0]` of the colour circle,
 * saturation and value multiplied by 1 ± `gains[1]` and 1 ± `gains[2]` (Ultralytics' hsv_h,
 * hsv_s, hsv_v). Ultralytics multiplies the hue too, which leaves reds unchanged and turns other
 * hues by different amounts; a turn of the circle treats every colour alike.
 */
export function hsvJitter(img: RgbImage, gains: readonly [number, number, number], rnd: Random): void {
  const turn = rnd.uniform(-1, 1) * gains[0] * 6; // hue in sextants, 0..6
  const sat = 1 + rnd.uniform(-1, 1) * gains[1];
  const val = 1 + rnd.uniform(-1, 1) * gains[2];
  if (turn === 0 && sat === 1 && val === 1) return;
  const d = img.data;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!;
    const g = d[i + 1]!;
    const b = d[i + 2]!;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const chroma = max - min;
    let h = 0;
    if (chroma > 0) {
      if (max === r) h = (g - b) / chroma;
      else if (max === g) h = (b - r) / chroma + 2;
      else h = (r - g) / chroma + 4;
    }
    const v = Math.min(255, max * val);
    const s = max === 0 ? 0 : Math.min(1, (chroma / max) * sat);
    h = (((h + turn) % 6) + 6) % 6;
    const c = v * s;
    const x = c * (1 - Math.abs((h % 2) - 1));
    const m = v - c;
    const sextant = Math.floor(h);
    const [rr, gg, bb] =
      sextant === 0 ? [c, x, 0] : sextant === 1 ? [x, c, 0] : sextant === 2 ? [0, c, x] : sextant === 3 ? [0, x, c] : sextant === 4 ? [x, 0, c] : [c, 0, x];
    d[i] = Math.round(rr + m);
    d[i + 1] = Math.round(gg + m);
    d[i + 2] = Math.round(bb + m);
  }
}
