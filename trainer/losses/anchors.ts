import { levelSizes } from '../../models/families/tensor-view.js';

/**
 * The grid cells of a detection head, one per output row, levels in stride order and cells in
 * row-major order within a level: the order in which every family flattens its outputs.
 */
export interface AnchorGrid {
  count: number;
  /** Cell column and row within its level. */
  gx: Float32Array;
  gy: Float32Array;
  stride: Float32Array;
  levels: { stride: number; w: number; h: number; n: number }[];
}

export function anchorGrid(inputWidth: number, inputHeight: number, strides: readonly number[]): AnchorGrid {
  const levels = levelSizes(inputWidth, inputHeight, strides);
  const count = levels.reduce((s, l) => s + l.n, 0);
  const gx = new Float32Array(count);
  const gy = new Float32Array(count);
  const stride = new Float32Array(count);
  let i = 0;
  for (const l of levels) {
    for (let y = 0; y < l.h; y++) {
      for (let x = 0; x < l.w; x++, i++) {
        gx[i] = x;
        gy[i] = y;
        stride[i] = l.stride;
      }
    }
  }
  return { count, gx, gy, stride, levels };
}

/** The centre of each cell as its stride places it (g·s + s/2); families that differ pass `shift`. */
export const cellCentre = (stride: number): number => stride / 2;

/** Cell points in input pixels: g · stride + shift(stride). */
export function anchorPoints(grid: AnchorGrid, shift: (stride: number) => number = cellCentre): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(grid.count);
  const y = new Float32Array(grid.count);
  for (let i = 0; i < grid.count; i++) {
    const s = grid.stride[i]!;
    x[i] = grid.gx[i]! * s + shift(s);
    y[i] = grid.gy[i]! * s + shift(s);
  }
  return { x, y };
}
