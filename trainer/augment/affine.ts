import type { Box } from '../../models/boxes.js';

/**
 * 2-D affine maps [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f, in continuous pixel
 * coordinates (pixel i spans [i, i + 1)), the convention boxes use.
 */
export type Affine = [number, number, number, number, number, number];

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

export function translation(tx: number, ty: number): Affine {
  return [1, 0, tx, 0, 1, ty];
}

export function scaling(s: number): Affine {
  return [s, 0, 0, 0, s, 0];
}

/** `outer ∘ inner`: apply `inner` first. */
export function compose(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

/** Composes left to right in reading order of application: `chain(m1, m2, m3)` applies m1 first. */
export function chain(...maps: Affine[]): Affine {
  return maps.reduce((acc, m) => compose(m, acc), IDENTITY);
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0) throw new RangeError('affine map is singular');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function isIdentity(m: Affine): boolean {
  return m.every((v, i) => v === IDENTITY[i]);
}

/** The axis-aligned box around the mapped corners (exact for scale and translation). */
export function mapBox(m: Affine, box: Box): Box {
  const [a, b, c, d, e, f] = m;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[box[0], box[1]], [box[2], box[1]], [box[0], box[3]], [box[2], box[3]]] as const) {
    xs.push(a * x + b * y + c);
    ys.push(d * x + e * y + f);
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** How much the map scales areas' sides (the geometric mean of its axes' scales). */
export function linearScale(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}
