/**
 * The end of a run: the best epoch's weights become a store model (model.onnx + model.json with
 * labels, validation metrics and provenance), the PR curves and a predictions grid are drawn, and
 * with `quantize` the int8 model is made from the training images and compared with fp32.
 */
import { mkdir, rm, symlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { StoredModel } from '../../models/store.js';
import { writePrCurvePng } from '../eval/pr-curve-plot.js';
import { readModel } from '../onnx/index.js';
import { validate, type Validation } from './evaluate.js';
import { writeModelFolder } from './model-folder.js';
import { writePredictionGrid } from './prediction-grid.js';
import type { RunContext } from './run-setup.js';
import type { LoopResult } from './train-model.js';

export interface QuantizeSummary {
  fp32: { map50: number; map50_95: number };
  int8: { map50: number; map50_95: number };
  /** The quantization report as `argus quantize` prints it. */
  report: string;
}

export interface TrainResult {
  /** The trained model in the store. */
  model: StoredModel;
  runDir: string;
  epochs: number;
  bestEpoch: number;
  stopped: string;
  minutes: number;
  /** The best epoch's weights, validated again at the end. */
  validation: Validation;
  files: { curves: string; pr: string; predictions: string; history: string };
  quantize?: QuantizeSummary;
}

const round = (v: number) => Number(v.toFixed(4));

function perClass(v: Validation, labels: readonly string[]) {
  return v.perClass.map((c) => ({ label: labels[c.classId]!, class_id: c.classId, ap50_95: round(c.ap50_95), ap50: round(c.ap50), gt: c.gtCount }));
}

export async function finishRun(ctx: RunContext, loop: LoopResult, say: (line: string) => void): Promise<TrainResult> {
  const o = ctx.options;
  const labels = ctx.exportLabels;
  const exported = { ...ctx.trainable, labels };
  const best = ctx.store.open(join(o.runDir, 'weights', ctx.early.state.bestEpoch >= 0 ? 'best' : 'last'));
  const validation = await validate(best, ctx.val.images);
  const bestEpoch = ctx.early.state.bestEpoch;
  const last = loop.history[loop.history.length - 1];
  const pretrained = loop.history.find((h) => h.epoch === 0);
  const model = await writeModelFolder(ctx.store.modelDir(o.name), await readModel(join(best.dir, 'model.onnx')), exported, {
    name: o.name,
    description: `${ctx.base.model} fine-tuned by argus train on ${o.data} (${labels.join(', ')})`,
    postprocess: ctx.postprocess,
    source: {
      trainer: 'argus train',
      base: ctx.base.model,
      classes_from_base: ctx.base.copied,
      classes_new: ctx.base.fresh,
      trained_classes: ctx.trainable.labels.length,
      dataset: o.data,
      split: o.trainSplit,
      train_images: ctx.train.images.length,
      epochs: last?.epoch ?? 0,
      best_epoch: bestEpoch,
      ...(pretrained ? { before_training: { map50: round(pretrained.map50), map50_95: round(pretrained.map50_95) } } : {}),
      stopped: loop.stopped,
      minutes: Number((loop.seconds / 60).toFixed(1)),
      run: o.runDir,
      seed: o.seed,
    },
    evaluation: {
      dataset: o.data,
      split: o.valSplit,
      images: validation.images,
      boxes: validation.boxes,
      map50_95: round(validation.map50_95),
      map50: round(validation.map50),
      map75: round(validation.map75),
      per_class: perClass(validation, labels),
      measured: new Date().toISOString(),
    },
  });
  const files = { curves: join(o.runDir, 'curves.png'), pr: join(o.runDir, 'pr.png'), predictions: join(o.runDir, 'predictions.png'), history: join(o.runDir, 'history.json') };
  const title = `${o.name} (fp32, epoch ${bestEpoch}) on ${o.valSplit}`;
  if (validation.pr.length) {
    await writePrCurvePng(files.pr, { map50: validation.map50, map50_95: validation.map50_95, pr: validation.pr, per_class: validation.perClass.map((c) => ({ class_id: c.classId, label: labels[c.classId]!, gt: c.gtCount })) }, title);
  }
  const gridImages = ctx.val.images.slice(0, o.gridImages).map((i) => i.file);
  if (gridImages.length) await writePredictionGrid(files.predictions, model, gridImages);
  say(`${o.name}: epoch ${bestEpoch} kept, val mAP@0.5 ${validation.map50.toFixed(3)} mAP@0.5:0.95 ${validation.map50_95.toFixed(3)} (${validation.images} images, ${validation.boxes} boxes); ${loop.stopped}, ${(loop.seconds / 60).toFixed(1)} min`);
  say(`model: ${model.dir}  run: ${o.runDir}`);
  const result: TrainResult = { model, runDir: o.runDir, epochs: last?.epoch ?? 0, bestEpoch, stopped: loop.stopped, minutes: loop.seconds / 60, validation, files };
  if (!o.quantize) return result;
  const quantize = await quantizeTrained(ctx, model, validation, say);
  return { ...result, model: ctx.store.open(model.dir), quantize };
}

/**
 * int8 through trainer/quantize with the training images as calibration, then fp32 and int8
 * scored on the validation images by the same evaluation as every epoch (the class list may be a
 * subset of the dataset's, which the quantizer's own dataset evaluation cannot take).
 */
async function quantizeTrained(ctx: RunContext, model: StoredModel, fp32: Validation, say: (line: string) => void): Promise<QuantizeSummary> {
  const { compareModels, formatQuantization, formatReport, quantizeModel, recordReport } = await import('../quantize/index.js');
  const o = ctx.options;
  const calib = join(o.runDir, 'calibration-images');
  await rm(calib, { recursive: true, force: true });
  await mkdir(calib, { recursive: true });
  // Links named by position: training images from different folders may share a file name.
  await Promise.all(ctx.train.images.map((img, i) => symlink(img.file, join(calib, `${String(i).padStart(6, '0')}${extname(img.file).toLowerCase()}`))));
  const q = await quantizeModel(model, { calib, images: o.calibImages, calibDescription: `${o.data} split ${o.trainSplit} (${ctx.train.images.length} training images)` });
  say(formatQuantization(q));
  const stored = ctx.store.open(model.dir);
  const int8 = await validate(stored, ctx.val.images, 'int8');
  const report = await compareModels(stored, { latencyImage: q.images.files[0]! });
  const labels = ctx.exportLabels;
  const int8Ap = new Map(int8.perClass.map((c) => [c.classId, c.ap50_95]));
  report.fp32 = { ...report.fp32, map50: fp32.map50, map50_95: fp32.map50_95 };
  report.int8 = { ...report.int8, map50: int8.map50, map50_95: int8.map50_95 };
  report.eval = { dataset: o.data, split: o.valSplit, images: int8.images, boxes: int8.boxes };
  report.per_class = fp32.perClass
    .map((c) => ({ label: labels[c.classId]!, gt: c.gtCount, fp32_ap50_95: c.ap50_95, int8_ap50_95: int8Ap.get(c.classId) ?? 0, change: (int8Ap.get(c.classId) ?? 0) - c.ap50_95 }))
    .sort((a, b) => a.change - b.change);
  recordReport(stored, report);
  const text = formatReport(report);
  say(text);
  say(`int8 vs fp32 on ${o.valSplit}: mAP@0.5 ${int8.map50.toFixed(3)} vs ${fp32.map50.toFixed(3)} (${(int8.map50 - fp32.map50 >= 0 ? '+' : '') + (int8.map50 - fp32.map50).toFixed(3)}), mAP@0.5:0.95 ${int8.map50_95.toFixed(3)} vs ${fp32.map50_95.toFixed(3)}`);
  await rm(calib, { recursive: true, force: true });
  return { fp32: { map50: fp32.map50, map50_95: fp32.map50_95 }, int8: { map50: int8.map50, map50_95: int8.map50_95 }, report: text };
}
