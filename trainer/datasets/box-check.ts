import type { Box } from '../../models/boxes.js';

/**
 * The box checks every loader applies, so a box is accepted or refused the same way whatever
 * format it came in.
 */

/** How far (fraction of the image) a box edge may pass the border before the box counts as wrong. */
export const EDGE_TOLERANCE = 0.01;

/** Why a pixel box cannot be used in an image of this size, or null when it can. */
export function boxProblem(box: Box, width: number, height: number): string | null {
  const [x1, y1, x2, y2] = box;
  if (!(x2 > x1 && y2 > y1)) return `box [${box.map(round).join(', ')}] has no area (needs x1 < x2 and y1 < y2)`;
  const dx = EDGE_TOLERANCE * width;
  const dy = EDGE_TOLERANCE * height;
  if (x1 < -dx || y1 < -dy || x2 > width + dx || y2 > height + dy) {
    return `box [${box.map(round).join(', ')}] reaches past the ${width}x${height} image`;
  }
  return null;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
