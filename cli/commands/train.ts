import type { Command } from 'commander';
import { ArgusError } from '../../models/errors.js';
import { integer, list, number, openStore, triple } from '../options.js';

/** An option value checked against a list known only once the trainer is loaded. */
function checkOneOf(option: string, value: string | undefined, valid: readonly string[]): void {
  if (value !== undefined && !valid.includes(value)) throw new ArgusError(`option '${option}': expected one of ${valid.join(', ')}, got '${value}'`);
}

function probability(value: string): number {
  return number(0, 1)(value);
}

/**
 * `argus train`: fine-tune a store model on a dataset. The trainer (TF.js, datasets, augmentation)
 * is imported inside the action: the Pi bundle ships the CLI without trainer/.
 */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('fine-tune a detector from the store on a dataset; writes a store model (model.onnx + model.json) and a run folder')
    .option('--data <dataset>', 'data yaml or YOLO folder, COCO .json, or Pascal VOC folder (required unless --resume)')
    .option('--model <model>', 'pretrained store model (name or folder) to start from (default coco-nanodet)')
    .option('--classes <names>', 'classes to train, comma-separated, a subset of the dataset (default all)', list)
    .option('--name <name>', 'store name of the trained model (default <model>-<dataset>)')
    .option('--run-dir <dir>', 'checkpoints, curves, history (default runs/train/<name>)')
    .option('--resume <run-dir>', 'continue an interrupted run from its checkpoint')
    .option('--size <n>', 'square input size to train and deploy at (default the model\'s)', integer(32, 2048))
    .option('--epochs <n>', 'epochs (default 30)', integer(1, 10_000))
    .option('--time <minutes>', 'wall-clock budget for the whole run; the schedule shrinks to fit', number(0.1, 100_000))
    .option('--batch <n>', 'images per step (default 8)', integer(1, 1024))
    .option('--optimizer <kind>', 'adamw, lamb (AdamW steps sized per tensor by its norm) or sgd (default adamw)')
    .option('--lr <lr>', 'peak learning rate (default 0.001 adamw and lamb, 0.01 sgd)', number(1e-8, 10))
    .option('--lr-final <f>', 'learning rate at the end, as a fraction of --lr (default 0.01)', number(0, 1))
    .option('--warmup-epochs <n>', 'epochs of linear warmup (default 1)', number(0, 1000))
    .option('--weight-decay <wd>', 'weight decay of convolution weights (default 0.0005)', number(0, 1))
    .option('--momentum <m>', 'SGD momentum / Adam beta1 (default 0.937 sgd, 0.9 adamw and lamb)', number(0, 0.9999))
    .option('--clip <norm>', 'global gradient norm limit, 0 for none (default 10)', number(0, 1e6))
    .option('--no-ema', 'evaluate and export the raw weights instead of their moving average')
    .option('--ema-decay <d>', 'EMA decay (default 0.9999)', number(0, 1))
    .option('--ema-tau <n>', 'updates over which the EMA decay ramps up (default 200)', number(1, 1e7))
    .option('--freeze <epochs>', 'first epochs train only the per-level head branches (default 0)', integer(0, 10_000))
    .option('--patience <n>', 'stop after this many epochs without a better validation metric, 0 never (default 10)', integer(0, 10_000))
    .option('--metric <m>', 'validation metric for the best epoch and early stopping: map50 or map50_95 (default map50_95)')
    .option('--mosaic <p>', 'chance of a 4-image mosaic (default 1)', probability)
    .option('--close-mosaic <n>', 'last epochs without mosaic (default 2)', integer(0, 10_000))
    .option('--scale <s>', 'random scale gain (default 0.5)', number(0, 0.99))
    .option('--translate <t>', 'random shift, fraction of the input (default 0.1)', number(0, 0.5))
    .option('--flip <p>', 'chance of a left-right flip (default 0.5)', probability)
    .option('--hsv <h,s,v>', 'hue, saturation, value gains (default 0.015,0.7,0.4)', triple)
    .option('--seed <n>', 'random seed of augmentation and new weights (default 0)', integer(0, 2 ** 31 - 1))
    .option('--quantize', 'quantize to int8 at the end (training images as calibration) and report fp32 vs int8')
    .option('--calib-images <n>', 'calibration images at most (default 200)', integer(1, 100_000))
    .option('--grid-images <n>', 'validation images in predictions.png (default 16)', integer(0, 256))
    .option('--train-split <s>', 'split to train on (default train)')
    .option('--val-split <s>', 'split to validate on (default val)')
    .option('--images <dir>', "COCO: folder the json's file names are relative to")
    .option('--names <file>', 'VOC: class names file, one a line')
    .option('--backend <b>', 'TF.js backend: auto, tfjs-node-gpu, tfjs-node, wasm, cpu (default auto, or $ARGUS_TF_BACKEND)')
    .option('--force', 'replace a store model or run folder of the same name')
    .option('--json', 'print one JSON object at the end')
    .action(async (o) => {
      if (!o.resume && !o.data) throw new ArgusError("option '--data <dataset>' is required (or --resume <run-dir>)");
      const { METRICS, OPTIMIZERS, trainModel } = await import('../../trainer/train/index.js');
      const { BACKENDS } = await import('../../trainer/backends/index.js');
      checkOneOf('--optimizer', o.optimizer, OPTIMIZERS);
      checkOneOf('--metric', o.metric, METRICS);
      checkOneOf('--backend', o.backend, ['auto', ...BACKENDS]);
      const store = openStore(program.opts().modelsDir);
      const say = (line: string) => (o.json ? console.error(line) : console.log(line));
      const request = o.resume
        ? { resume: o.resume as string }
        : {
            options: {
              data: o.data,
              model: o.model,
              classes: o.classes,
              name: o.name,
              runDir: o.runDir,
              size: o.size,
              epochs: o.epochs,
              time: o.time,
              batch: o.batch,
              optimizer: o.optimizer,
              lr: o.lr,
              lrFinal: o.lrFinal,
              warmupEpochs: o.warmupEpochs,
              weightDecay: o.weightDecay,
              momentum: o.momentum,
              clip: o.clip,
              ema: o.ema,
              emaDecay: o.emaDecay,
              emaTau: o.emaTau,
              freezeEpochs: o.freeze,
              patience: o.patience,
              metric: o.metric,
              mosaic: o.mosaic,
              closeMosaic: o.closeMosaic,
              scale: o.scale,
              translate: o.translate,
              flip: o.flip,
              hsv: o.hsv,
              seed: o.seed,
              quantize: o.quantize,
              calibImages: o.calibImages,
              gridImages: o.gridImages,
              trainSplit: o.trainSplit,
              valSplit: o.valSplit,
              images: o.images,
              names: o.names,
              backend: o.backend,
              force: o.force,
            },
          };
      const r = await trainModel(store, request, say);
      if (!o.json) return;
      const v = r.validation;
      console.log(
        JSON.stringify({
          model: r.model.manifest.name,
          dir: r.model.dir,
          run: r.runDir,
          epochs: r.epochs,
          best_epoch: r.bestEpoch,
          stopped: r.stopped,
          minutes: r.minutes,
          map50: v.map50,
          map50_95: v.map50_95,
          per_class: v.perClass.map((c) => ({ label: r.model.manifest.labels[c.classId], ap50: c.ap50, ap50_95: c.ap50_95, gt: c.gtCount })),
          files: r.files,
          ...(r.quantize ? { int8: r.quantize.int8, fp32: r.quantize.fp32 } : {}),
        }),
      );
    });
}
