import { EventEmitter } from 'node:events';
import { ArgusError, DataError } from '../../models/errors.js';
import { log } from '../log.js';
import type { Frame, FrameSource } from '../sources/index.js';
import { RuntimeStats, type StatsSnapshot } from '../stats/index.js';
import { IouTracker } from '../tracking/index.js';
import { LatestSlot } from './latest-slot.js';
import type { FrameResult, PipelineDetector, PipelineEvents, PipelineOptions } from './types.js';

/**
 * camera → latest-frame slot → detector → filters → tracker → `result` and `track` events, one frame
 * in flight at a time. A frame that arrives during inference replaces the one waiting (counted as
 * dropped), so results are always about the newest frame and nothing queues up. A frame that does
 * not decode is counted as corrupt on its source and skipped; an inference error is logged,
 * counted as failed, and the next frame is tried.
 */
export class DetectionPipeline extends EventEmitter<PipelineEvents> {
  private readonly slot = new LatestSlot<Frame>();
  private readonly tracker: IouTracker;
  private readonly runtimeStats: RuntimeStats;
  private detector: PipelineDetector;
  private labels: ReadonlySet<string> | null = null;
  private threshold: number | null = null;
  private loop: Promise<void> | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private processed = 0;
  private failed = 0;
  private sourceEnded = false;
  private readonly onFrame = (frame: Frame): void => this.slot.put(frame);
  /** A finite source is done: finish the frame waiting, then emit `end`. */
  private readonly onSourceEnd = (): void => {
    this.sourceEnded = true;
    this.slot.close();
  };

  constructor(
    readonly source: FrameSource,
    detector: PipelineDetector,
    opts: PipelineOptions = {},
  ) {
    super();
    this.detector = detector;
    this.tracker = new IouTracker(opts.tracker);
    this.runtimeStats = new RuntimeStats(opts.stats);
    if (opts.labels) this.setLabels(opts.labels);
    if (opts.scoreThreshold !== undefined) this.setScoreThreshold(opts.scoreThreshold);
  }

  /** Starts the source and the detection loop. */
  start(): void {
    if (this.loop) throw new ArgusError('the detection pipeline is already started');
    this.source.on('frame', this.onFrame);
    this.source.once('end', this.onSourceEnd);
    this.loop = this.run();
    this.source.start();
  }

  /**
   * Stops the source, finishes the frame in flight (its result is still emitted), ends every track
   * (`end` events), then resolves. A frame still waiting in the slot is discarded.
   */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.slot.close();
    await Promise.all([this.loop, this.source.stop()]);
    this.source.off('frame', this.onFrame);
    this.source.off('end', this.onSourceEnd);
  }

  /** The score threshold from the next frame on (0..1). */
  setScoreThreshold(threshold: number): void {
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
      throw new ArgusError(`score threshold must be a number from 0 to 1, got ${threshold}`);
    }
    this.threshold = threshold;
    this.detector.options.scoreThreshold = threshold;
  }

  get scoreThreshold(): number {
    return this.threshold ?? this.detector.options.scoreThreshold;
  }

  /** Reports only these labels from the next frame on; null for all. Labels the model lacks are refused. */
  setLabels(labels: readonly string[] | null): void {
    if (labels) checkLabels(labels, this.detector);
    this.labels = labels ? new Set(labels) : null;
  }

  /**
   * Uses another model from the next frame on (a reload). Resolves with the previous detector once
   * the frame in flight is done with it, for the caller to close. The score threshold set on this
   * pipeline carries over; a label filter the new model cannot meet is refused before any change.
   */
  async replaceDetector(detector: PipelineDetector): Promise<PipelineDetector> {
    if (this.labels) checkLabels([...this.labels], detector);
    const previous = this.detector;
    this.detector = detector;
    if (this.threshold !== null) detector.options.scoreThreshold = this.threshold;
    await this.inFlight;
    return previous;
  }

  /** Frame counts, latency percentiles, fps, temperature, throttling and memory, as plain JSON. */
  async stats(): Promise<StatsSnapshot> {
    const s = this.source.stats();
    return this.runtimeStats.snapshot({
      captured: s.frames,
      processed: this.processed,
      dropped: this.slot.dropped,
      corrupt: s.corrupt,
      failed: this.failed,
      restarts: s.restarts,
    });
  }

  private async run(): Promise<void> {
    for (let frame = await this.slot.take(); frame; frame = await this.slot.take()) {
      this.inFlight = this.process(frame);
      await this.inFlight;
    }
    for (const event of this.tracker.endAll()) this.safeEmit(() => this.emit('track', event));
    if (this.sourceEnded) this.safeEmit(() => this.emit('end'));
  }

  private async process(frame: Frame): Promise<void> {
    const detector = this.detector;
    let result;
    try {
      result = await detector.detect(frame.jpeg);
    } catch (e) {
      if (e instanceof DataError) {
        this.source.countCorrupt();
        log.debug({ source: this.source.name, seq: frame.seq }, `corrupt frame skipped: ${e.message}`);
      } else {
        this.failed++;
        log.error({ source: this.source.name, seq: frame.seq, err: e }, 'detection failed; going on with the next frame');
      }
      return;
    }
    const threshold = this.scoreThreshold;
    const kept = result.detections.filter((d) => d.score >= threshold && (!this.labels || this.labels.has(d.label)));
    const tracked = this.tracker.update(kept, frame.ts);
    const done = Date.now();
    this.processed++;
    this.runtimeStats.recordFrame({ ...result.timing_ms, total: done - frame.ts }, done);
    const out: FrameResult = {
      seq: frame.seq,
      ts_capture: frame.ts,
      image: result.image,
      model: { name: detector.manifest.name, precision: detector.precision },
      detections: tracked.detections,
      timing_ms: result.timing_ms,
      jpeg: frame.jpeg,
    };
    this.safeEmit(() => this.emit('result', out));
    for (const event of tracked.events) this.safeEmit(() => this.emit('track', event));
  }

  /** A listener that throws is a bug there, logged; it must not stop detection. */
  private safeEmit(emit: () => void): void {
    try {
      emit();
    } catch (e) {
      log.error({ err: e }, 'a detection pipeline listener threw');
    }
  }
}

function checkLabels(labels: readonly string[], detector: PipelineDetector): void {
  const known = detector.manifest.labels;
  const unknown = labels.filter((l) => !known.includes(l));
  if (unknown.length) {
    throw new ArgusError(`label filter: ${unknown.map((l) => `'${l}'`).join(', ')} not in model '${detector.manifest.name}'; its labels: ${known.join(', ')}`);
  }
}
