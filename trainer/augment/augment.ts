import type { LabelledBox, LabelledImage } from '../datasets/dataset.js';
import { chain, isIdentity, scaling, translation, type Affine } from './affine.js';
import { transformBoxes, type BoxFilter } from './box-transform.js';
import { flipHorizontal } from './flip.js';
import { hsvJitter } from './hsv.js';
import { loadFitted, loadLetterboxed, type FitSpec } from './load-image.js';
import { mosaic4 } from './mosaic.js';
import type { Random } from './random.js';
import type { RgbImage } from './rgb-image.js';
import { warpAffine } from './warp.js';

/**
 * Training samples: mosaic, random scale and translation, colour jitter and flips, ending at the
 * model's input size. The image and boxes always move together through one affine map, so labels
 * stay on their objects.
 */

export interface AugmentOptions extends BoxFilter, FitSpec {
  /** Model input width and height, pixels. */
  width: number;
  height: number;
  /** Chance that a sample is a 4-image mosaic. Default 1 (Ultralytics `mosaic`). */
  mosaic: number;
  /** Scale gain: each sample is scaled by a factor in [1 − scale, 1 + scale]. Default 0.5. */
  scale: number;
  /** Shift, as a fraction of the input size, in each direction. Default 0.1. */
  translate: number;
  /** Chance of a left-right flip. Default 0.5. */
  flip: number;
  /** Hue (fraction of the colour circle), saturation and value gains. Default [0.015, 0.7, 0.4]. */
  hsv: [number, number, number];
}

/**
 * Ultralytics' defaults (cfg/default.yaml), with deployment's centred letterbox and pad 114;
 * take `letterbox`, `pad` and `resize` from the model's manifest.
 */
export const DEFAULT_AUGMENT: Omit<AugmentOptions, 'width' | 'height'> = {
  letterbox: 'center',
  pad: 114,
  resize: 'linear',
  mosaic: 1,
  scale: 0.5,
  translate: 0.1,
  flip: 0.5,
  hsv: [0.015, 0.7, 0.4],
  minSize: 2,
  minAreaRatio: 0.1,
  maxAspect: 100,
};

/** One model input: RGB pixels ready for `fillTensor`, and the boxes in input pixels. */
export interface Sample {
  image: RgbImage;
  boxes: LabelledBox[];
  /** The dataset images it was made from (four for a mosaic). */
  sources: string[];
}

/**
 * A training sample for `images[index]`; a mosaic draws its three other images from `images`
 * with `rnd`, so the same random stream gives the same sample.
 */
export async function augmentSample(images: readonly LabelledImage[], index: number, opts: AugmentOptions, rnd: Random): Promise<Sample> {
  const { width, height } = opts;
  let image: RgbImage;
  let boxes: LabelledBox[];
  let sources: string[];
  // The map from the image built so far to the output: centre it on the origin, then scale and move.
  let centre: Affine;
  if (rnd.next() < opts.mosaic) {
    const picks = [images[index]!, ...[0, 1, 2].map(() => images[rnd.int(images.length)]!)];
    const tiles = await Promise.all(picks.map((img) => loadFitted(img, width, height, opts)));
    ({ image, boxes } = mosaic4(tiles, width, height, opts.pad, rnd));
    sources = picks.map((p) => p.file);
    centre = translation(-width, -height);
  } else {
    ({ image, boxes } = await loadLetterboxed(images[index]!, width, height, opts));
    sources = [images[index]!.file];
    centre = translation(-width / 2, -height / 2);
  }

  const s = rnd.uniform(1 - opts.scale, 1 + opts.scale);
  const tx = rnd.uniform(0.5 - opts.translate, 0.5 + opts.translate) * width;
  const ty = rnd.uniform(0.5 - opts.translate, 0.5 + opts.translate) * height;
  const m = chain(centre, scaling(s), translation(tx, ty));
  if (!isIdentity(m) || image.width !== width || image.height !== height) {
    image = warpAffine(image, m, width, height, opts.pad);
  }
  boxes = transformBoxes(boxes, m, width, height, opts);

  hsvJitter(image, opts.hsv, rnd);
  if (rnd.next() < opts.flip) boxes = flipHorizontal(image, boxes);
  return { image, boxes, sources };
}

/** The evaluation sample: the image letterboxed as deployment does it, nothing random. */
export async function letterboxSample(img: LabelledImage, opts: Pick<AugmentOptions, 'width' | 'height'> & FitSpec): Promise<Sample> {
  const { image, boxes } = await loadLetterboxed(img, opts.width, opts.height, opts);
  return { image, boxes, sources: [img.file] };
}
