/** Augmentation: training samples at the model's input size, and a PNG preview of them. */
export { augmentSample, DEFAULT_AUGMENT, letterboxSample } from './augment.js';
export type { AugmentOptions, Sample } from './augment.js';
export { chain, compose, IDENTITY, invert, mapBox, scaling, translation } from './affine.js';
export type { Affine } from './affine.js';
export { transformBoxes } from './box-transform.js';
export type { BoxFilter } from './box-transform.js';
export { flipHorizontal } from './flip.js';
export { hsvJitter } from './hsv.js';
export { decodeResized, loadFitted, loadLetterboxed } from './load-image.js';
export type { FitSpec, LoadedImage } from './load-image.js';
export { mosaic4 } from './mosaic.js';
export { previewPng, writePreviewPng } from './preview.js';
export { createRandom } from './random.js';
export type { Random } from './random.js';
export type { RgbImage } from './rgb-image.js';
export { warpAffine } from './warp.js';
