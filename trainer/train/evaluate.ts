/**
 * Validation through the deployment path: the stored ONNX file in onnxruntime via the device's
 * Detector (same preprocessing, decode and NMS as a Pi), scored COCO-style on in-memory images
 * whose class ids are the model's.
 */
import { Detector } from '../../device/detect/detector.js';
import type { Precision } from '../../models/manifest.js';
import type { StoredModel } from '../../models/store.js';
import type { LabelledImage } from '../datasets/index.js';
import { evaluateDetections, type EvalImage, type EvalResult } from '../eval/coco-map.js';
import { EVAL_DEFAULTS } from '../eval/evaluate-model.js';

export interface Validation extends EvalResult {
  images: number;
  boxes: number;
  seconds: number;
  /** Images the detector could not read, skipped. */
  failed: { file: string; reason: string }[];
}

export async function validate(model: StoredModel, images: readonly LabelledImage[], precision: Precision = 'fp32'): Promise<Validation> {
  const detector = await Detector.fromModel(model, { precision, ...EVAL_DEFAULTS });
  const scored: EvalImage[] = [];
  const failed: Validation['failed'] = [];
  const t0 = performance.now();
  try {
    for (const img of images) {
      try {
        const r = await detector.detect(img.file);
        scored.push({ gt: img.boxes, dets: r.detections.map((d) => ({ classId: d.classId, box: d.box, score: d.score })) });
      } catch (e) {
        failed.push({ file: img.file, reason: (e as Error).message });
      }
    }
  } finally {
    await detector.close();
  }
  const result = evaluateDetections(scored, model.manifest.labels.length);
  return { ...result, images: scored.length, boxes: scored.reduce((s, i) => s + i.gt.length, 0), seconds: (performance.now() - t0) / 1000, failed };
}
