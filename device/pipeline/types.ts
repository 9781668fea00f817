import type { Manifest, Precision } from '../../models/manifest.js';
import type { DetectionResult, PreparedFrame, StageTimes } from '../detect/detector.js';
import type { ImageInput } from '../detect/preprocess.js';
import type { Frame } from '../sources/index.js';
import type { RuntimeStatsOptions } from '../stats/index.js';
import type { TrackedDetection, TrackEvent, TrackerOptionsInput } from '../tracking/index.js';

/** What the pipeline needs of a model: a `Detector`, or a stand-in in tests. */
export interface PipelineDetector {
  detect(image: ImageInput): Promise<DetectionResult>;
  readonly manifest: Manifest;
  readonly precision: Precision;
  /** Read by `detect` on every call, so the pipeline sets a new score threshold here. */
  readonly options: { scoreThreshold: number };
  /**
   * `detect` in two halves (a `Detector` has them): with them the pipeline decodes the next frame
   * while the current one is inferred. All three or none.
   */
  prepare?(image: ImageInput): Promise<PreparedFrame>;
  infer?(prepared: PreparedFrame): Promise<DetectionResult>;
  release?(prepared: PreparedFrame): void;
}

/** The outcome of one frame. */
export interface FrameResult {
  /** The source's frame number; a gap means frames were dropped or corrupt. */
  seq: number;
  /** When the camera delivered the frame, ms since the epoch. */
  ts_capture: number;
  image: { w: number; h: number };
  model: { name: string; precision: Precision };
  /** Boxes in frame pixels, with `track_id` once their track is confirmed. */
  detections: TrackedDetection[];
  timing_ms: StageTimes;
  /** The frame itself, for snapshots and annotated previews. */
  jpeg: Buffer;
}

export interface PipelineOptions {
  /** Default: the detector's own (its manifest's `postprocess.scoreThreshold`, or as opened). */
  scoreThreshold?: number;
  /** Report only these labels. Default: all of the model's. */
  labels?: readonly string[];
  tracker?: TrackerOptionsInput;
  stats?: RuntimeStatsOptions;
  /**
   * Decode and preprocess frame N+1 while frame N is inferred, when the detector can (`prepare`
   * and `infer`). Default true; false runs one whole frame at a time (`detect`).
   */
  overlap?: boolean;
}

/**
 * `taken` when a frame is picked for detection; `result` for each frame; `track` for each tracking
 * event, after the result of its frame; `end` when a finite source (a video played once) is done
 * and its last frame processed.
 */
export interface PipelineEvents {
  /** A frame left the latest-frame slot for detection (a source feeding frames on demand sends the next one then). */
  taken: [Frame];
  result: [FrameResult];
  track: [TrackEvent];
  end: [];
}
