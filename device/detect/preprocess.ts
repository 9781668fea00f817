import sharp, { type Sharp } from 'sharp';
import { computeLetterbox, type Letterbox } from '../../models/letterbox.js';
import type { PreprocessSpec } from '../../models/preprocess-spec.js';
import { DataError } from '../../models/errors.js';
import { jpegSize } from './jpeg-size.js';

/** Undecoded pixels, as a video decoder hands them over. */
export interface RawFrame {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export type ImageInput = Buffer | string | RawFrame;

export interface Preprocessed {
  letterbox: Letterbox;
  /** ms spent decoding and resizing (sharp, one pipeline so JPEGs shrink on load). */
  decodeMs: number;
  /** ms spent filling the tensor (channel order, normalisation). */
  preMs: number;
}

function describe(input: ImageInput): string {
  return typeof input === 'string' ? input : Buffer.isBuffer(input) ? 'image buffer' : 'raw frame';
}

function open(input: ImageInput): Sharp {
  if (typeof input === 'string' || Buffer.isBuffer(input)) return sharp(input, { failOn: 'error' });
  return sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } });
}

/** Decoded frame size, from the header only. */
export async function imageSize(input: ImageInput): Promise<{ width: number; height: number }> {
  if (!(typeof input === 'string' || Buffer.isBuffer(input))) return { width: input.width, height: input.height };
  try {
    const m = await sharp(input).metadata();
    if (!m.width || !m.height) throw new Error('no image size in header');
    return { width: m.width, height: m.height };
  } catch (e) {
    throw new DataError(describe(input), `cannot decode image (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Decodes a frame, letterboxes it to the model input and writes the NCHW float tensor into `out`
 * (reused across frames so the hot path allocates no tensor).
 */
export async function preprocessInto(
  input: ImageInput,
  spec: PreprocessSpec,
  inputWidth: number,
  inputHeight: number,
  out: Float32Array,
): Promise<Preprocessed> {
  const t0 = performance.now();
  // A JPEG's header is read here, so sharp starts decoding before this function first yields.
  const { width, height } = (Buffer.isBuffer(input) && jpegSize(input)) || (await imageSize(input));
  const lb = computeLetterbox(width, height, inputWidth, inputHeight, spec.letterbox);
  let pixels: Buffer;
  try {
    let img = open(input)
      .removeAlpha()
      .toColourspace('srgb')
      .resize(lb.resizedWidth, lb.resizedHeight, { fit: 'fill', kernel: spec.resize });
    const right = inputWidth - lb.resizedWidth - lb.padLeft;
    const bottom = inputHeight - lb.resizedHeight - lb.padTop;
    if (lb.padLeft || lb.padTop || right || bottom) {
      img = img.extend({
        left: lb.padLeft,
        top: lb.padTop,
        right,
        bottom,
        background: { r: spec.pad, g: spec.pad, b: spec.pad },
      });
    }
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.width !== inputWidth || info.height !== inputHeight || info.channels !== 3) {
      throw new Error(`resize produced ${info.width}x${info.height}x${info.channels}`);
    }
    pixels = data;
  } catch (e) {
    throw new DataError(describe(input), `cannot decode image (${(e as Error).message})`, { cause: e });
  }
  const t1 = performance.now();
  fillTensor(pixels, spec, inputWidth * inputHeight, out);
  return { letterbox: lb, decodeMs: t1 - t0, preMs: performance.now() - t1 };
}

/** Interleaved RGB bytes -> planar normalised floats in the model's channel order. */
export function fillTensor(rgb: Uint8Array, spec: PreprocessSpec, pixels: number, out: Float32Array): void {
  for (let c = 0; c < 3; c++) {
    const src = spec.color === 'BGR' ? 2 - c : c;
    const mean = spec.mean[c]!;
    const inv = 1 / spec.std[c]!;
    const base = c * pixels;
    for (let i = 0, j = src; i < pixels; i++, j += 3) out[base + i] = (rgb[j]! - mean) * inv;
  }
}
