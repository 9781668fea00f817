/**
 * Training batches: augmented samples filled into one NCHW tensor through the device's own
 * `fillTensor`, so the model sees training pixels exactly as it will see camera frames. Each
 * sample draws from its own random stream keyed by (seed, epoch, position), so a resumed run
 * makes the same batches as an uninterrupted one.
 */
import { fillTensor } from '../../device/detect/preprocess.js';
import type { PreprocessSpec } from '../../models/preprocess-spec.js';
import { augmentSample, createRandom, type AugmentOptions } from '../augment/index.js';
import type { LabelledBox, LabelledImage } from '../datasets/index.js';

export interface Batch {
  /** [size, 3, height, width], the model's preprocessing applied. */
  pixels: Float32Array;
  targets: LabelledBox[][];
  size: number;
}

export class BatchSource {
  constructor(
    readonly images: readonly LabelledImage[],
    readonly augment: AugmentOptions,
    readonly preprocess: PreprocessSpec,
    readonly batchSize: number,
    readonly seed: number,
  ) {}

  /** Full batches per epoch; the images left over are seen in other epochs' orders. */
  get batchesPerEpoch(): number {
    return Math.max(1, Math.floor(this.images.length / this.batchSize));
  }

  /** The epoch's image order: a seeded shuffle. */
  order(epoch: number): number[] {
    const rnd = createRandom(this.seed, epoch, 0x5eed);
    const order = this.images.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rnd.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }

  /** Batch `index` of `epoch`; `mosaic` overrides the chance of a mosaic (closing it late in training). */
  async batch(epoch: number, index: number, mosaic = this.augment.mosaic): Promise<Batch> {
    const order = this.order(epoch);
    const picks = Array.from({ length: this.batchSize }, (_, k) => order[(index * this.batchSize + k) % order.length]!);
    const opts = { ...this.augment, mosaic };
    const samples = await Promise.all(picks.map((img, k) => augmentSample(this.images, img, opts, createRandom(this.seed, epoch, index * this.batchSize + k))));
    const { width, height } = this.augment;
    const plane = 3 * width * height;
    const pixels = new Float32Array(samples.length * plane);
    samples.forEach((s, k) => fillTensor(s.image.data, this.preprocess, width * height, pixels.subarray(k * plane, (k + 1) * plane)));
    return { pixels, targets: samples.map((s) => s.boxes), size: samples.length };
  }
}
