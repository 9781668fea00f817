import type { OutputShape, RawTensor } from '../family.js';

/** The last two dims of an output, ignoring a leading batch of 1: rows x columns. */
export function matrixDims(dims: readonly (number | string)[]): [number, number] | null {
  const d = dims.slice();
  while (d.length > 2 && d[0] === 1) d.shift();
  if (d.length !== 2 || typeof d[0] !== 'number' || typeof d[1] !== 'number') return null;
  return [d[0], d[1]];
}

export function shapeText(o: OutputShape | RawTensor): string {
  const dims = 'shape' in o ? o.shape : o.dims;
  return `[${dims.join('x')}]`;
}

/** Cells of a feature map for each stride, in row-major order, as the heads flatten them. */
export function levelSizes(inputWidth: number, inputHeight: number, strides: readonly number[]) {
  return strides.map((stride) => {
    const w = Math.ceil(inputWidth / stride);
    const h = Math.ceil(inputHeight / stride);
    return { stride, w, h, n: w * h };
  });
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
