import type { Precision } from '../../models/manifest.js';
import type { Throttling } from '../stats/index.js';
import type { ModelCost } from './model-cost.js';
import type { Summary } from './summary.js';

/** The stages of one frame, as `argus bench` reports them. */
export const BENCH_STAGES = ['decode', 'preprocess', 'infer', 'postprocess', 'publish'] as const;
export type BenchStage = (typeof BENCH_STAGES)[number];

/** The machine's temperature, throttling and load at one moment; null where it does not say. */
export interface MachineReading {
  cpu_temp_c: number | null;
  throttling: Throttling | null;
  /** Runnable processes averaged over a minute: above the core count, other work competes with the bench. */
  load_avg_1m: number;
}

/** The full pipeline over the bench frames: source → slot → decode → infer → decode boxes → publish. */
export interface PipelineMeasure {
  /** Frames measured (after the warm-up). */
  frames: number;
  /** Results per second at steady state. */
  fps: number;
  /** 1000 / fps: the time per frame. */
  frame_ms: number;
  /** Time between consecutive results, ms. */
  min: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  /** CPU time of the whole process (all threads) per frame, ms: what the pipeline leaves of the cores. */
  cpu_ms_per_frame: number;
  /**
   * Share of the time the model was running (mean session.run in the pipeline / frame_ms). Near 1,
   * the model never waited for a frame: an overhead ratio above 1 then comes from inference slowed
   * by the decoding that shares its cores, not from the pipeline leaving the model idle.
   */
  model_busy: number;
  /** Frames replaced in the latest-frame slot (0 when fed on demand), undecodable, failed. */
  dropped: number;
  corrupt: number;
  failed: number;
}

/** One precision at one thread count. */
export interface BenchRun {
  precision: Precision;
  threads: number;
  /**
   * Per stage, ms, measured one frame at a time so each is that stage's own cost (overlapped,
   * decode runs during inference and its wall time includes the wait).
   */
  stages: Record<BenchStage, Summary>;
  /** session.run alone on a prepared frame (one per round of frames), ms. */
  inference_alone: Summary;
  /** The device's pipeline: the next frame decodes while the current one infers. */
  pipeline: PipelineMeasure;
  /** pipeline.frame_ms / inference_alone.p50: what the pipeline adds to inference (1.0 = nothing). */
  overhead_ratio: number;
  /** pipeline.p50 / inference_alone.p50: the same, median to median, steadier on a busy machine. */
  overhead_ratio_p50: number;
  /** The same frames one whole frame at a time (no overlap), for comparison. */
  sequential: { fps: number; frame_ms: number; overhead_ratio: number };
  /** 2 × MACs / inference_alone.p50. */
  gops: number;
  /** Mean detections per measured frame. */
  detections_per_frame: number;
  /** Highest resident set size sampled during this run. */
  peak_rss_mb: number;
  machine: { before: MachineReading; after: MachineReading };
}

export interface BenchReport {
  kind: 'argus-bench';
  version: 1;
  /** When the bench ended, ISO 8601. */
  ts: string;
  device_id: string;
  host: { hostname: string; platform: string; arch: string; cpus: number; cpu_model: string; node: string; onnxruntime: string };
  model: { name: string; family: string; input: { width: number; height: number }; precisions: Precision[] };
  /** Parameters and MACs per frame counted on the fp32 graph (the int8 file computes the same ops). */
  cost: ModelCost;
  source: { spec: string; frames: number; width: number; height: number; note?: string };
  /**
   * `worker`: onnxruntime in a worker thread (the default) or on the main thread (--no-worker);
   * `device_threads`: the thread count `argus run` uses on this machine when its config sets none.
   */
  settings: { runs: number; warmup: number; publish: 'serialize' | 'mqtt'; worker: boolean; device_threads: number };
  runs: BenchRun[];
  /** int8 time over fp32 time at each thread count both ran at (below 1: int8 is faster). */
  int8_vs_fp32: { threads: number; inference: number; pipeline: number }[];
  /** The process's peak resident set size over the whole bench. */
  peak_rss_mb: number;
  notes: string[];
}
