/**
 * Options of `trainModel` / `argus train`, every default in TRAIN_DEFAULTS with why it is what it
 * is. Hyperparameters follow Ultralytics' cfg/default.yaml where fine-tuning small data wants the
 * same, and say so where they differ.
 */
import type { BackendName } from '../backends/index.js';
import type { OptimizerKind } from './optimizer.js';

export const METRICS = ['map50', 'map50_95'] as const;
export type Metric = (typeof METRICS)[number];

export interface TrainOptions {
  /** Pretrained store model to start from: a name in the store or a model folder. */
  model: string;
  /** Dataset: data yaml or YOLO folder, COCO json, Pascal VOC folder. */
  data: string;
  trainSplit: string;
  valSplit: string;
  /** COCO: folder the json's file names are relative to. */
  images?: string;
  /** VOC: class names file. */
  names?: string;
  /** Classes to train, a subset of the dataset's; default all of them. */
  classes?: string[];
  /** Store name of the trained model; default `<model>-<dataset folder>`. */
  name?: string;
  /** Run folder (checkpoints, curves, history); default `runs/train/<name>`. */
  runDir?: string;
  /** Square training (and deployment) input size; default the pretrained model's. */
  size?: number;
  epochs: number;
  /** Wall-clock budget in minutes for the whole run; the schedule shrinks to fit it. */
  time?: number;
  batch: number;
  optimizer: OptimizerKind;
  /** Peak learning rate; default 0.001 for adamw and lamb, 0.01 for sgd. */
  lr?: number;
  /** Learning rate at the end, as a fraction of `lr`. */
  lrFinal: number;
  warmupEpochs: number;
  weightDecay: number;
  /** SGD momentum / Adam β1; default 0.937 for sgd, 0.9 for adamw and lamb. */
  momentum?: number;
  /** Global gradient norm limit; 0 turns clipping off. */
  clip: number;
  ema: boolean;
  emaDecay: number;
  emaTau: number;
  /** Epochs at the start in which only the per-level head branches train. */
  freezeEpochs: number;
  /** Epochs without a better validation metric before stopping; 0 never stops early. */
  patience: number;
  /** Validation metric that picks the best epoch and drives early stopping. */
  metric: Metric;
  /** Chance of a 4-image mosaic per sample. */
  mosaic: number;
  /** Last epochs trained without mosaic, on whole letterboxed images as deployed. */
  closeMosaic: number;
  scale: number;
  translate: number;
  flip: number;
  hsv: [number, number, number];
  seed: number;
  /** Quantize to int8 at the end (training images as calibration) and report fp32 vs int8. */
  quantize: boolean;
  /** Calibration images at most, spread over the training images. */
  calibImages: number;
  /** Validation images in the predictions grid. */
  gridImages: number;
  backend: BackendName | 'auto';
  /** Replace a store model or run folder of the same name. */
  force: boolean;
}

export const TRAIN_DEFAULTS: Omit<TrainOptions, 'data'> = {
  // The one pretrained detector `npm install` brings (see models/default-model.ts).
  model: 'coco-nanodet',
  trainSplit: 'train',
  valSplit: 'val',
  epochs: 30,
  // WebAssembly trains yolox_nano at 320 at ~2.7 images/s with batch 8; smaller batches lose
  // throughput, larger ones give too few steps on small datasets.
  batch: 8,
  // Ultralytics' `optimizer: auto` picks AdamW for runs under 10k iterations, which every
  // CPU fine-tune is.
  optimizer: 'adamw',
  lrFinal: 0.01,
  // Ultralytics warms up 3 epochs of large datasets; small ones have few steps per epoch.
  warmupEpochs: 1,
  weightDecay: 0.0005,
  clip: 10,
  ema: true,
  emaDecay: 0.9999,
  // Ultralytics' 2000 suits 100k-step runs; a fine-tune makes a few hundred steps, and the
  // average must ramp up within them to smooth anything.
  emaTau: 200,
  freezeEpochs: 0,
  patience: 10,
  metric: 'map50_95',
  mosaic: 1,
  closeMosaic: 2,
  scale: 0.5,
  translate: 0.1,
  flip: 0.5,
  hsv: [0.015, 0.7, 0.4],
  seed: 0,
  quantize: false,
  calibImages: 200,
  gridImages: 16,
  backend: 'auto',
  force: false,
};

export function defaultLr(kind: OptimizerKind): number {
  return kind === 'sgd' ? 0.01 : 0.001;
}

export function defaultMomentum(kind: OptimizerKind): number {
  return kind === 'sgd' ? 0.937 : 0.9;
}
