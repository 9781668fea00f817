import sharp from 'sharp';
import { DataError } from '../../models/errors.js';
import { computeLetterbox, frameToInput, type Letterbox } from '../../models/letterbox.js';
import type { PreprocessSpec } from '../../models/preprocess-spec.js';
import type { LabelledBox, LabelledImage } from '../datasets/dataset.js';
import { copyRect, filledImage, type RgbImage } from './rgb-image.js';

/** How deployment fits a frame into the model input: the manifest's preprocess fields of these names. */
export type FitSpec = Pick<PreprocessSpec, 'letterbox' | 'pad' | 'resize'>;

/** An image decoded and resized, with its boxes in the resized image's pixels. */
export interface LoadedImage {
  image: RgbImage;
  boxes: LabelledBox[];
}

/**
 * Decodes an image and resizes it to exactly `width` x `height` with sharp, as the device's
 * preprocessing does (alpha dropped, sRGB, same kernel), so training sees the pixels deployment
 * will see.
 */
export async function decodeResized(file: string, width: number, height: number, kernel: FitSpec['resize']): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(file, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .resize(width, height, { fit: 'fill', kernel })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== width || info.height !== height) {
      throw new Error(`resize produced ${info.width}x${info.height}x${info.channels}`);
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
  } catch (e) {
    throw new DataError(file, `cannot decode image (${(e as Error).message})`, { cause: e });
  }
}

/**
 * The image letterboxed into the model input exactly as deployment does it (models/letterbox.ts
 * geometry, pad value around), boxes mapped with it.
 */
export async function loadLetterboxed(img: LabelledImage, width: number, height: number, fit: FitSpec): Promise<LoadedImage & { letterbox: Letterbox }> {
  const lb = computeLetterbox(img.width, img.height, width, height, fit.letterbox);
  const resized = await decodeResized(img.file, lb.resizedWidth, lb.resizedHeight, fit.resize);
  const image = filledImage(width, height, fit.pad);
  copyRect(resized, 0, 0, lb.resizedWidth, lb.resizedHeight, image, lb.padLeft, lb.padTop);
  return { image, boxes: img.boxes.map(({ classId, box }) => ({ classId, box: frameToInput(lb, box) })), letterbox: lb };
}

/**
 * The image shrunk or grown to fit inside `width` x `height`, aspect ratio kept and no padding:
 * one tile of a mosaic (Ultralytics' load_image).
 */
export async function loadFitted(img: LabelledImage, width: number, height: number, fit: FitSpec): Promise<LoadedImage> {
  const lb = computeLetterbox(img.width, img.height, width, height, 'topleft');
  const image = await decodeResized(img.file, lb.resizedWidth, lb.resizedHeight, fit.resize);
  return { image, boxes: img.boxes.map(({ classId, box }) => ({ classId, box: frameToInput(lb, box) })) };
}
