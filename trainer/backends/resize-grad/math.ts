/**
 * Gradients of TF.js' resizeNearestNeighbor and resizeBilinear (NHWC): each output pixel's
 * gradient is scattered back to the input pixels the forward kernel read, with the same source
 * coordinates (align-corners and half-pixel rules) as the forward kernels. TF.js' own gradient
 * kernels ignore halfPixelCenters (CPU, wasm), and the wasm nearest one misroutes even without it.
 */

export interface ResizeGradArgs {
  /** dy values, [batch, outHeight, outWidth, channels] row-major. */
  dy: ArrayLike<number>;
  dyShape: readonly number[];
  /** The forward input's shape [batch, height, width, channels]. */
  xShape: readonly number[];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** Input/output size ratio along one axis, as the forward kernels compute it. */
function ratio(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

export function resizeNearestGrad(a: ResizeGradArgs): Float32Array {
  const [n, h, w, c] = a.xShape as [number, number, number, number];
  const [, oh, ow] = a.dyShape as [number, number, number, number];
  const rh = ratio(h, oh, a.alignCorners);
  const rw = ratio(w, ow, a.alignCorners);
  const source = (i: number, r: number, size: number) => {
    const frac = a.halfPixelCenters ? r * (i + 0.5) : r * i;
    const nearest = Math.min(size - 1, a.alignCorners ? Math.round(frac) : Math.floor(frac));
    return a.halfPixelCenters ? Math.max(0, nearest) : nearest;
  };
  const cols = Array.from({ length: ow }, (_, j) => source(j, rw, w));
  const dx = new Float32Array(n * h * w * c);
  let g = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const row = (b * h + source(i, rh, h)) * w;
      for (let j = 0; j < ow; j++) {
        const base = (row + cols[j]!) * c;
        for (let k = 0; k < c; k++) dx[base + k] = dx[base + k]! + a.dy[g++]!;
      }
    }
  }
  return dx;
}

interface Lerp {
  lo: number;
  hi: number;
  frac: number;
}

export function resizeBilinearGrad(a: ResizeGradArgs): Float32Array {
  const [n, h, w, c] = a.xShape as [number, number, number, number];
  const [, oh, ow] = a.dyShape as [number, number, number, number];
  const lerp = (i: number, r: number, size: number): Lerp => {
    const src = a.halfPixelCenters ? r * (i + 0.5) - 0.5 : r * i;
    const lo = Math.max(0, Math.floor(src));
    return { lo, hi: Math.min(size - 1, Math.ceil(src)), frac: src - lo };
  };
  const rh = ratio(h, oh, a.alignCorners);
  const rw = ratio(w, ow, a.alignCorners);
  const cols = Array.from({ length: ow }, (_, j) => lerp(j, rw, w));
  const dx = new Float32Array(n * h * w * c);
  let g = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const y = lerp(i, rh, h);
      const top = (b * h + y.lo) * w;
      const bottom = (b * h + y.hi) * w;
      for (let j = 0; j < ow; j++) {
        const x = cols[j]!;
        const weights = [(1 - y.frac) * (1 - x.frac), (1 - y.frac) * x.frac, y.frac * (1 - x.frac), y.frac * x.frac];
        const bases = [(top + x.lo) * c, (top + x.hi) * c, (bottom + x.lo) * c, (bottom + x.hi) * c];
        for (let k = 0; k < c; k++, g++) {
          const v = a.dy[g]!;
          for (let q = 0; q < 4; q++) dx[bases[q]! + k] = dx[bases[q]! + k]! + v * weights[q]!;
        }
      }
    }
  }
  return dx;
}
