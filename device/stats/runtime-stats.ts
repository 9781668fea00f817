import { FpsMeter } from './fps-meter.js';
import { StageLatency, type Percentiles, type Stage } from './stage-latency.js';
import { readCpuTemperature } from './thermal.js';
import { readThrottling, type Throttling } from './throttling.js';

/** Frame counts kept by the source and the pipeline, merged into a snapshot. */
export interface FrameCounters {
  /** Frames the source handed out. */
  captured: number;
  /** Frames with a result. */
  processed: number;
  /** Frames replaced in the latest-frame slot before inference could take them. */
  dropped: number;
  /** Frames skipped as undecodable (by the source or at decode). */
  corrupt: number;
  /** Frames lost to an inference error. */
  failed: number;
  /** Camera process restarts. */
  restarts: number;
}

/** The stats of a running device, as plain JSON (what `argus/<id>/stats` carries). */
export interface StatsSnapshot {
  /** When taken, ms since the epoch. */
  ts: number;
  uptime_s: number;
  /** Results per second over the last few seconds. */
  fps: number;
  frames: FrameCounters;
  /** Per stage, p50/p95/p99 over the latest frames; null before the first. */
  latency_ms: Record<Stage, Percentiles | null>;
  /** null where the machine has no thermal zone. */
  cpu_temp_c: number | null;
  /** null off a Raspberry Pi. */
  throttling: Throttling | null;
  memory_mb: { rss: number; heap_used: number; heap_total: number };
}

export interface RuntimeStatsOptions {
  /** Frames the latency percentiles are taken over. Default 300. */
  latencyWindow?: number;
  /** Span the fps is measured over. Default 5000 ms. */
  fpsWindowMs?: number;
  /** Sensors, replaceable in tests. Default: the thermal zone and vcgencmd. */
  readTemperature?: () => Promise<number | null>;
  readThrottling?: () => Promise<Throttling | null>;
}

/** Collects per-frame timings and takes snapshots with the machine's temperature, throttling and memory. */
export class RuntimeStats {
  private readonly latency: StageLatency;
  private readonly fpsMeter: FpsMeter;
  private readonly startedAt = Date.now();
  private readonly readTemperature: () => Promise<number | null>;
  private readonly readThrottling: () => Promise<Throttling | null>;

  constructor(opts: RuntimeStatsOptions = {}) {
    this.latency = new StageLatency(opts.latencyWindow ?? 300);
    this.fpsMeter = new FpsMeter(opts.fpsWindowMs ?? 5000);
    this.readTemperature = opts.readTemperature ?? (() => readCpuTemperature());
    this.readThrottling = opts.readThrottling ?? (() => readThrottling());
  }

  /** One processed frame: its stage times and capture-to-result time (ms), done at `at`. */
  recordFrame(ms: Record<Stage, number>, at = Date.now()): void {
    this.latency.record(ms);
    this.fpsMeter.record(at);
  }

  async snapshot(frames: FrameCounters, now = Date.now()): Promise<StatsSnapshot> {
    const [cpu_temp_c, throttling] = await Promise.all([this.readTemperature(), this.readThrottling()]);
    const mem = process.memoryUsage();
    return {
      ts: now,
      uptime_s: Math.round((now - this.startedAt) / 1000),
      fps: this.fpsMeter.fps(now),
      frames: { ...frames },
      latency_ms: this.latency.summary(),
      cpu_temp_c,
      throttling,
      memory_mb: { rss: mb(mem.rss), heap_used: mb(mem.heapUsed), heap_total: mb(mem.heapTotal) },
    };
  }
}

function mb(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}
