import type { Box } from './boxes.js';

/**
 * How a frame is fitted into the model's input:
 * - `topleft`: keep aspect ratio, image at the top-left corner, pad right/bottom (YOLOX).
 * - `center`: keep aspect ratio, image centred, pad on both sides (Ultralytics, NanoDet).
 * - `stretch`: resize to the input size, aspect ratio not kept, no padding.
 */
export type LetterboxMode = 'topleft' | 'center' | 'stretch';
export const LETTERBOX_MODES: readonly LetterboxMode[] = ['topleft', 'center', 'stretch'];

/** The geometry of one letterbox: where the resized frame sits inside the model input. */
export interface Letterbox {
  mode: LetterboxMode;
  srcWidth: number;
  srcHeight: number;
  dstWidth: number;
  dstHeight: number;
  /** Size of the resized frame inside the input, whole pixels. */
  resizedWidth: number;
  resizedHeight: number;
  /** Padding before the frame (left, top) in input pixels. */
  padLeft: number;
  padTop: number;
  /** Input pixels per frame pixel, per axis (exact for the whole-pixel resized size). */
  scaleX: number;
  scaleY: number;
}

export function computeLetterbox(
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
  mode: LetterboxMode,
): Letterbox {
  if (!(srcWidth > 0 && srcHeight > 0 && dstWidth > 0 && dstHeight > 0)) {
    throw new RangeError(`letterbox needs positive sizes, got ${srcWidth}x${srcHeight} -> ${dstWidth}x${dstHeight}`);
  }
  let resizedWidth = dstWidth;
  let resizedHeight = dstHeight;
  if (mode !== 'stretch') {
    const r = Math.min(dstWidth / srcWidth, dstHeight / srcHeight);
    resizedWidth = Math.min(dstWidth, Math.max(1, Math.round(srcWidth * r)));
    resizedHeight = Math.min(dstHeight, Math.max(1, Math.round(srcHeight * r)));
  }
  const padLeft = mode === 'center' ? Math.floor((dstWidth - resizedWidth) / 2) : 0;
  const padTop = mode === 'center' ? Math.floor((dstHeight - resizedHeight) / 2) : 0;
  return {
    mode,
    srcWidth,
    srcHeight,
    dstWidth,
    dstHeight,
    resizedWidth,
    resizedHeight,
    padLeft,
    padTop,
    scaleX: resizedWidth / srcWidth,
    scaleY: resizedHeight / srcHeight,
  };
}

/** Frame pixels -> model-input pixels. */
export function frameToInput(lb: Letterbox, b: Box): Box {
  return [
    b[0] * lb.scaleX + lb.padLeft,
    b[1] * lb.scaleY + lb.padTop,
    b[2] * lb.scaleX + lb.padLeft,
    b[3] * lb.scaleY + lb.padTop,
  ];
}

/** Model-input pixels -> frame pixels, clipped to the frame: the exact inverse of frameToInput. */
export function inputToFrame(lb: Letterbox, b: Box): Box {
  const x1 = (b[0] - lb.padLeft) / lb.scaleX;
  const y1 = (b[1] - lb.padTop) / lb.scaleY;
  const x2 = (b[2] - lb.padLeft) / lb.scaleX;
  const y2 = (b[3] - lb.padTop) / lb.scaleY;
  return [
    Math.min(Math.max(x1, 0), lb.srcWidth),
    Math.min(Math.max(y1, 0), lb.srcHeight),
    Math.min(Math.max(x2, 0), lb.srcWidth),
    Math.min(Math.max(y2, 0), lb.srcHeight),
  ];
}
