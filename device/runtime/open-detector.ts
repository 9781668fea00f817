import type { Precision } from '../../models/manifest.js';
import type { ModelStore } from '../../models/store.js';
import { Detector } from '../detect/detector.js';
import { deviceInferenceThreads } from '../inference/threads.js';
import { log } from '../log.js';

export interface ModelChoice {
  model: string;
  precision: Precision;
  threads?: number | undefined;
  threshold?: number | undefined;
}

/**
 * Opens the configured model; asks for int8 and falls back to fp32, with a warning, when it has
 * none. Without a thread count, one core is left to the rest of the pipeline (deviceInferenceThreads).
 */
export async function openDetector(store: ModelStore, c: ModelChoice): Promise<Detector> {
  const stored = store.open(c.model);
  let precision = c.precision;
  if (precision === 'int8' && !stored.manifest.files.int8) {
    log.warn(`model '${c.model}' has no int8 file (make one with argus quantize); running fp32`);
    precision = 'fp32';
  }
  return Detector.fromModel(stored, {
    precision,
    threads: c.threads ?? deviceInferenceThreads(),
    ...(c.threshold === undefined ? {} : { scoreThreshold: c.threshold }),
  });
}
