import type { Detector } from '../../device/detect/detector.js';
import { log } from '../../device/log.js';
import type { Box } from '../../models/boxes.js';
import { loadYoloDataset } from '../datasets/yolo-dataset.js';
import { progressBar } from '../progress.js';
import { evaluateDetections } from './coco-map.js';

/** Detection settings of COCO-style evaluation (YOLOX and Ultralytics val use the same). */
export const EVAL_DEFAULTS = { scoreThreshold: 0.001, iouThreshold: 0.65, maxDetections: 100 } as const;

export interface ModelEvaluation {
  dataset: string;
  split: string;
  images: number;
  boxes: number;
  map50_95: number;
  map50: number;
  map75: number;
  per_class: { label: string; class_id: number; ap50_95: number; ap50: number; gt: number; dets: number }[];
  images_per_s: number;
  /** Dataset classes the model has no label for, and their boxes, left out of the score (see EvaluateOptions). */
  unscored: { classes: string[]; boxes: number };
  skipped: { file: string; line?: number; reason: string }[];
  pr: ReturnType<typeof evaluateDetections>['pr'];
}

export interface EvaluateOptions {
  /**
   * Score every dataset class, those the model has no label for at 0 AP (comparing models on a
   * whole dataset). Default false: a model fine-tuned to a few classes is scored on those, as its
   * training validation was, and the other classes' boxes are counted as unscored.
   */
  allClasses?: boolean;
}

/**
 * Runs a detector over a YOLO dataset split and scores it COCO-style. Dataset classes are matched
 * to model labels by name, so a model with more classes than the dataset is scored on the shared ones.
 */
export async function evaluateModel(detector: Detector, datasetSpec: string, split: string, opts: EvaluateOptions = {}): Promise<ModelEvaluation> {
  const ds = await loadYoloDataset(datasetSpec, split);
  const modelLabels = detector.manifest.labels;
  const toDataset = modelLabels.map((l) => ds.names.indexOf(l));
  const missing = ds.names.filter((n) => !modelLabels.includes(n));
  if (missing.length === ds.names.length) {
    throw new Error(`${datasetSpec}: none of the dataset classes (${ds.names.slice(0, 5).join(', ')}…) is a label of model '${detector.manifest.name}'`);
  }
  const scored = new Set(opts.allClasses ? ds.names.keys() : toDataset.filter((c) => c >= 0));
  const unscoredBoxes = ds.images.reduce((n, img) => n + img.boxes.filter((b) => !scored.has(b.classId)).length, 0);
  if (missing.length) {
    const them = `${missing.length} dataset class${missing.length > 1 ? 'es' : ''} (${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''})`;
    log.warn(
      opts.allClasses
        ? `model '${detector.manifest.name}' has no label for ${them}: they score 0 AP`
        : `model '${detector.manifest.name}' has no label for ${them}: their ${unscoredBoxes} boxes are not scored (--all-classes scores them as 0 AP)`,
    );
  }
  for (const p of ds.problems) log.warn(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.reason} (skipped)`);

  const bar = progressBar('eval', ds.images.length);
  const images: { gt: { classId: number; box: Box }[]; dets: { classId: number; box: Box; score: number }[] }[] = [];
  const skipped = [...ds.problems];
  const t0 = performance.now();
  for (const img of ds.images) {
    try {
      const r = await detector.detect(img.file);
      const dets = r.detections
        .map((d) => ({ classId: toDataset[d.classId]!, box: d.box, score: d.score }))
        .filter((d) => d.classId >= 0);
      images.push({ gt: img.boxes.filter((b) => scored.has(b.classId)), dets });
    } catch (e) {
      skipped.push({ file: img.file, reason: (e as Error).message });
      log.warn(`${img.file}: ${(e as Error).message} (skipped)`);
    }
    bar.tick();
  }
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  const metrics = evaluateDetections(images, ds.names.length);
  return {
    dataset: datasetSpec,
    split,
    images: images.length,
    boxes: images.reduce((s, i) => s + i.gt.length, 0),
    map50_95: metrics.map50_95,
    map50: metrics.map50,
    map75: metrics.map75,
    per_class: metrics.perClass.map((c) => ({
      label: ds.names[c.classId]!,
      class_id: c.classId,
      ap50_95: c.ap50_95,
      ap50: c.ap50,
      gt: c.gtCount,
      dets: c.detCount,
    })),
    images_per_s: images.length / seconds,
    unscored: { classes: opts.allClasses ? [] : missing, boxes: unscoredBoxes },
    skipped,
    pr: metrics.pr,
  };
}
