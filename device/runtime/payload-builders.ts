import { detectionJson } from '../detect/payload.js';
import type { DetectionsPayload, StatsPayload } from '../mqtt/payloads.js';
import type { FrameResult } from '../pipeline/index.js';
import type { StatsSnapshot } from '../stats/index.js';

const ms = (x: number) => Math.round(x * 100) / 100;

export function detectionsPayload(r: FrameResult, now = Date.now()): DetectionsPayload {
  return {
    frame: r.seq,
    ts_capture: r.ts_capture,
    ts_publish: now,
    image: r.image,
    model: r.model,
    timing_ms: { decode: ms(r.timing_ms.decode), pre: ms(r.timing_ms.pre), infer: ms(r.timing_ms.infer), post: ms(r.timing_ms.post) },
    detections: r.detections.map((d) => detectionJson(d, r.image.w, r.image.h)),
  };
}

export function statsPayload(s: StatsSnapshot, mqtt: StatsPayload['mqtt']): StatsPayload {
  return { ...s, mqtt };
}

/** The number of objects per label in the latest frame, published only when it changes. */
export class LabelCounts {
  private readonly last = new Map<string, number>();

  /** Labels whose count changed with this frame (labels seen before and now absent go to 0). */
  update(labels: readonly string[]): [string, number][] {
    const now = new Map<string, number>();
    for (const l of labels) now.set(l, (now.get(l) ?? 0) + 1);
    const changed: [string, number][] = [];
    for (const l of new Set([...this.last.keys(), ...now.keys()])) {
      const n = now.get(l) ?? 0;
      if (this.last.get(l) !== n) changed.push([l, n]);
      this.last.set(l, n);
    }
    return changed;
  }
}
