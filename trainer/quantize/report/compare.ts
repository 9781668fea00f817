/**
 * The quantization report: fp32 against int8 in one process, on the same inputs: file sizes,
 * median latency at 1 and 2 threads, time per op type, and with an evaluation set, mAP and the
 * per-class AP change with the classes that lost most first.
 */
import { statSync } from 'node:fs';
import { Detector } from '../../../device/detect/detector.js';
import { preprocessInto } from '../../../device/detect/preprocess.js';
import { verifiedOnnxPath, type StoredModel } from '../../../models/store.js';
import { EVAL_DEFAULTS, evaluateModel, type ModelEvaluation } from '../../eval/evaluate-model.js';
import { pairedLatency, type LatencyInput } from './latency.js';
import { profileOpTypes } from './profile.js';

export interface CompareOptions {
  /** Dataset (YOLO yaml or folder) to score both models on; no mAP without it. */
  evalDataset?: string;
  /** Default 'val'. */
  split?: string;
  /** Image whose tensor the latency runs use. */
  latencyImage: string;
  /** Timed runs per model and thread count; default 50. */
  runs?: number;
  /** Profiled runs per model; default 20. */
  profileRuns?: number;
}

export interface PrecisionSummary {
  file: string;
  bytes: number;
  map50_95?: number;
  map50?: number;
}

export interface ClassChange {
  label: string;
  gt: number;
  fp32_ap50_95: number;
  int8_ap50_95: number;
  change: number;
}

export interface QuantizeReport {
  model: string;
  fp32: PrecisionSummary;
  int8: PrecisionSummary;
  size_ratio: number;
  latency_ms: { runs: number; fp32_1t: number; int8_1t: number; ratio_1t: number; fp32_2t: number; int8_2t: number; ratio_2t: number };
  /** ms per inference by op type, from onnxruntime's profiler at 1 thread. */
  op_types_ms: { fp32: Record<string, number>; int8: Record<string, number> };
  eval?: { dataset: string; split: string; images: number; boxes: number };
  /** Classes present in the evaluation set, the largest AP@0.5:0.95 loss first. */
  per_class?: ClassChange[];
}

async function evaluate(model: StoredModel, precision: 'fp32' | 'int8', dataset: string, split: string): Promise<ModelEvaluation> {
  const detector = await Detector.fromModel(model, { precision, ...EVAL_DEFAULTS });
  try {
    return await evaluateModel(detector, dataset, split);
  } finally {
    await detector.close();
  }
}

function perClass(fp32: ModelEvaluation, int8: ModelEvaluation): ClassChange[] {
  const int8ById = new Map(int8.per_class.map((c) => [c.class_id, c]));
  return fp32.per_class
    .filter((c) => c.gt > 0)
    .map((c) => {
      const q = int8ById.get(c.class_id)!;
      return { label: c.label, gt: c.gt, fp32_ap50_95: c.ap50_95, int8_ap50_95: q.ap50_95, change: q.ap50_95 - c.ap50_95 };
    })
    .sort((a, b) => a.change - b.change);
}

export async function compareModels(model: StoredModel, opts: CompareOptions): Promise<QuantizeReport> {
  const m = model.manifest;
  const files = [await verifiedOnnxPath(model, 'fp32'), await verifiedOnnxPath(model, 'int8')] as const;
  const data = new Float32Array(3 * m.input.width * m.input.height);
  await preprocessInto(opts.latencyImage, m.preprocess, m.input.width, m.input.height, data);
  const input: LatencyInput = { name: m.input.name, data, dims: [1, 3, m.input.height, m.input.width] };
  const runs = opts.runs ?? 50;
  const [fp32_1t, int8_1t] = await pairedLatency(files, input, 1, runs);
  const [fp32_2t, int8_2t] = await pairedLatency(files, input, 2, runs);
  const profileRuns = opts.profileRuns ?? 20;
  const [fp32Ops, int8Ops] = await profileOpTypes(files, input, 1, profileRuns);
  const op_types_ms = { fp32: fp32Ops!, int8: int8Ops! };
  const [fp32Bytes, int8Bytes] = files.map((f) => statSync(f).size) as [number, number];
  const report: QuantizeReport = {
    model: m.name,
    fp32: { file: files[0], bytes: fp32Bytes },
    int8: { file: files[1], bytes: int8Bytes },
    size_ratio: int8Bytes / fp32Bytes,
    latency_ms: { runs, fp32_1t: fp32_1t!, int8_1t: int8_1t!, ratio_1t: int8_1t! / fp32_1t!, fp32_2t: fp32_2t!, int8_2t: int8_2t!, ratio_2t: int8_2t! / fp32_2t! },
    op_types_ms,
  };
  if (opts.evalDataset) {
    const split = opts.split ?? 'val';
    const fp32 = await evaluate(model, 'fp32', opts.evalDataset, split);
    const int8 = await evaluate(model, 'int8', opts.evalDataset, split);
    Object.assign(report.fp32, { map50_95: fp32.map50_95, map50: fp32.map50 });
    Object.assign(report.int8, { map50_95: int8.map50_95, map50: int8.map50 });
    report.eval = { dataset: opts.evalDataset, split, images: int8.images, boxes: int8.boxes };
    report.per_class = perClass(fp32, int8);
  }
  return report;
}
