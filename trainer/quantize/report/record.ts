import { writeManifest } from '../../../models/manifest.js';
import type { StoredModel } from '../../../models/store.js';
import type { QuantizeReport } from './compare.js';

const round = (v: number | undefined, digits: number) => (v === undefined ? undefined : Number(v.toFixed(digits)));

/** Keeps the report's headline numbers in model.json's `evaluation` record, beside the quantization. */
export function recordReport(model: StoredModel, r: QuantizeReport): void {
  const l = r.latency_ms;
  writeManifest(model.manifestFile, {
    ...model.manifest,
    evaluation: {
      ...model.manifest.evaluation,
      int8_vs_fp32: {
        ...(r.eval ? { dataset: r.eval.dataset, split: r.eval.split, images: r.eval.images } : {}),
        fp32: { map50_95: round(r.fp32.map50_95, 4), map50: round(r.fp32.map50, 4), bytes: r.fp32.bytes },
        int8: { map50_95: round(r.int8.map50_95, 4), map50: round(r.int8.map50, 4), bytes: r.int8.bytes },
        latency_ms: { fp32_1t: round(l.fp32_1t, 2), int8_1t: round(l.int8_1t, 2), fp32_2t: round(l.fp32_2t, 2), int8_2t: round(l.int8_2t, 2) },
        measured: new Date().toISOString(),
      },
    },
  });
}
