/**
 * A synthetic road sign, a class no COCO model has seen: a disc of random colour with a white
 * rim and a white bar across it, drawn as SVG, squashed (a sign seen at an angle), rotated and
 * blurred by sharp. Its box is read from the alpha channel after all that, so labels fit the
 * pixels exactly.
 */
import sharp from 'sharp';
import type { Random } from '../augment/index.js';

export interface SignOptions {
  /** Diameter in pixels before squashing and rotation. */
  size: number;
  /** Horizontal squash: width = size × squash. */
  squash: number;
  /** Degrees. */
  rotation: number;
  /** Gaussian blur sigma in pixels; 0 for none. */
  blur: number;
  /** Fill colour, RGB 0..255. */
  color: [number, number, number];
  /** Multiplies every colour, white included: a sign in shade or in sun. */
  brightness: number;
}

export interface RenderedSign {
  /** RGBA PNG. */
  png: Buffer;
  width: number;
  height: number;
  /** Tight box of the visible (alpha ≥ 50%) pixels, [x1, y1, x2, y2] in the PNG. */
  box: [number, number, number, number];
}

/** Draws random sign parameters for a sign of `size` pixels. */
export function randomSign(rnd: Random, size: number): SignOptions {
  const hue = rnd.next();
  return {
    size,
    squash: rnd.uniform(0.55, 1),
    rotation: rnd.uniform(-45, 45),
    blur: rnd.next() < 0.5 ? 0 : rnd.uniform(0.3, Math.max(0.4, size / 40)),
    color: hsvToRgb(hue, rnd.uniform(0.5, 1), rnd.uniform(0.35, 1)),
    brightness: rnd.uniform(0.6, 1.1),
  };
}

export async function renderSign(o: SignOptions): Promise<RenderedSign> {
  const d = Math.max(8, Math.round(o.size));
  const w = Math.max(4, Math.round(d * o.squash));
  const light = (v: number) => Math.max(0, Math.min(255, Math.round(v * o.brightness)));
  const fill = `rgb(${o.color.map(light).join(',')})`;
  const white = `rgb(${[240, 240, 240].map(light).join(',')})`;
  const r = d / 2;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${d}" viewBox="0 0 ${d} ${d}" preserveAspectRatio="none">` +
    `<circle cx="${r}" cy="${r}" r="${r}" fill="${white}"/>` +
    `<circle cx="${r}" cy="${r}" r="${r * 0.82}" fill="${fill}"/>` +
    `<rect x="${r * 0.38}" y="${r * 0.8}" width="${r * 1.24}" height="${r * 0.4}" fill="${white}"/>` +
    `</svg>`;
  // Margin so neither rotation nor blur cuts the sign.
  const pad = Math.ceil(o.blur * 3) + 2;
  let img = sharp(Buffer.from(svg))
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .rotate(o.rotation, { background: { r: 0, g: 0, b: 0, alpha: 0 } });
  if (o.blur >= 0.3) img = sharp(await img.png().toBuffer()).blur(o.blur);
  const { data, info } = await img.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const box = alphaBox(data, info.width, info.height);
  if (!box) throw new RangeError(`sign of size ${o.size} rendered no visible pixels`);
  const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
  return { png, width: info.width, height: info.height, box };
}

/** Bounding box of pixels at least half opaque; null when there are none. */
function alphaBox(rgba: Uint8Array, width: number, height: number): [number, number, number, number] | null {
  let x1 = width;
  let y1 = height;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (rgba[(y * width + x) * 4 + 3]! < 128) continue;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      if (y > y2) y2 = y;
    }
  }
  return x2 < 0 ? null : [x1, y1, x2 + 1, y2 + 1];
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i % 6]!;
  return [Math.round(r! * 255), Math.round(g! * 255), Math.round(b! * 255)];
}
