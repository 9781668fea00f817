import { RollingWindow } from './rolling-window.js';

/** Stages of a frame: the Detector's four, and `total` from capture to result. */
export const STAGES = ['decode', 'pre', 'infer', 'post', 'total'] as const;
export type Stage = (typeof STAGES)[number];

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Rolling p50/p95/p99 per stage over the latest `window` frames. */
export class StageLatency {
  private readonly windows: Record<Stage, RollingWindow>;

  constructor(window: number) {
    this.windows = Object.fromEntries(STAGES.map((s) => [s, new RollingWindow(window)])) as Record<Stage, RollingWindow>;
  }

  record(ms: Record<Stage, number>): void {
    for (const s of STAGES) this.windows[s].push(ms[s]);
  }

  /** Per stage, in ms rounded to 0.1; null for a stage with no frame yet. */
  summary(): Record<Stage, Percentiles | null> {
    const out = {} as Record<Stage, Percentiles | null>;
    for (const s of STAGES) {
      const p = this.windows[s].percentiles([50, 95, 99]);
      out[s] = p && { p50: round1(p[0]!), p95: round1(p[1]!), p99: round1(p[2]!) };
    }
    return out;
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
