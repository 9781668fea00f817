import { EventEmitter } from 'node:events';
import { ArgusError, DataError } from '../../models/errors.js';
import type { DetectionResult, PreparedFrame } from '../detect/detector.js';
import { log } from '../log.js';
import type { Frame, FrameSource } from '../sources/index.js';
import { RuntimeStats, type StatsSnapshot } from '../stats/index.js';
import { IouTracker } from '../tracking/index.js';
import { LatestSlot } from './latest-slot.js';
import type { FrameResult, PipelineDetector, PipelineEvents, PipelineOptions } from './types.js';

/** A frame taken from the slot, and when the pipeline overlaps, prepared by the detector of the time. */
interface Taken {
  frame: Frame;
  prepared: { frame: PreparedFrame; by: SplitDetector } | null;
}

type SplitDetector = PipelineDetector & Required<Pick<PipelineDetector, 'prepare' | 'infer' | 'release'>>;

function canSplit(d: PipelineDetector): d is SplitDetector {
  return typeof d.prepare === 'function' && typeof d.infer === 'function' && typeof d.release === 'function';
}

/**
 * camera → latest-frame slot → detector → filters → tracker → `result` and `track` events, one frame
 * inferred at a time. A frame that arrives during inference replaces the one waiting (counted as
 * dropped), so results are always about the newest frame and nothing queues up. A frame that does
 * not decode is counted as corrupt on its source and skipped; an inference error is logged,
 * counted as failed, and the next frame is tried.
 *
 * With a detector that can `prepare` and `infer` apart (overlap, the default), the next frame is
 * taken from the slot as soon as the current one starts inferring, decoded meanwhile and queued
 * behind it, so decoding the frame and its boxes costs no frame rate (see `run`).
 */
export class DetectionPipeline extends EventEmitter<PipelineEvents> {
  private readonly slot = new LatestSlot<Frame>();
  private readonly tracker: IouTracker;
  private readonly runtimeStats: RuntimeStats;
  private detector: PipelineDetector;
  private labels: ReadonlySet<string> | null = null;
  private threshold: number | null = null;
  private readonly overlap: boolean;
  private loop: Promise<void> | null = null;
  /** Work that uses a detector (prepare, infer, detect), awaited before handing an old one back. */
  private readonly busy = new Set<Promise<unknown>>();
  private stopping = false;
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
    this.overlap = opts.overlap ?? true;
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
   * Stops the source, finishes the frames handed to the model (their results are still emitted),
   * ends every track (`end` events), then resolves. A frame still waiting in the slot, or being
   * prepared, is discarded. The detector is free once this resolves.
   */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
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
    // A frame the old model prepared and has not begun to infer goes to the new one (see inferTaken).
    await Promise.allSettled([...this.busy]);
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

  /**
   * Overlapped, frame N+1 is taken and prepared while N runs, then handed to the model at once: it
   * waits in the session's queue and runs the moment N's run ends, while N's boxes are decoded and
   * delivered. Frame N+2 is taken only when N is done, so at most two frames are in the model.
   */
  private async run(): Promise<void> {
    let previous: Promise<void> = Promise.resolve();
    let next = await this.takeNext();
    while (next) {
      // A frame prepared by the model in use joins its queue at once; any other (a whole frame, or
      // one prepared by a model since replaced) waits for the frame before, so results keep order.
      const queued = next.prepared?.by === this.detector;
      if (!queued) await previous;
      const current = this.track(this.inferTaken(next));
      await (queued ? previous : current);
      previous = current;
      next = await this.takeNext();
      if (next && this.stopping) {
        next.prepared?.by.release(next.prepared.frame);
        next = null;
      }
    }
    await previous;
    for (const event of this.tracker.endAll()) this.safeEmit(() => this.emit('track', event));
    if (this.sourceEnded) this.safeEmit(() => this.emit('end'));
  }

  /** Whether frames go to `detector` in two halves, the next prepared while the current one infers. */
  private splits(detector: PipelineDetector): detector is SplitDetector {
    return this.overlap && canSplit(detector);
  }

  /** The next frame from the slot, prepared when the pipeline overlaps; null once the slot is closed. */
  private async takeNext(): Promise<Taken | null> {
    for (let frame = await this.slot.take(); frame; frame = await this.slot.take()) {
      const taken = frame;
      this.safeEmit(() => this.emit('taken', taken));
      const detector = this.detector;
      if (!this.splits(detector)) return { frame, prepared: null };
      try {
        return { frame, prepared: { frame: await this.track(detector.prepare(frame.jpeg)), by: detector } };
      } catch (e) {
        this.countError(frame, e);
      }
    }
    return null;
  }

  /** Infers a taken frame and delivers its result; a frame prepared by a model since replaced is detected by the new one. */
  private async inferTaken(taken: Taken): Promise<void> {
    const { frame, prepared } = taken;
    const detector = this.detector;
    let result: DetectionResult;
    try {
      if (prepared?.by === detector) {
        result = await prepared.by.infer(prepared.frame);
      } else {
        prepared?.by.release(prepared.frame);
        result = await detector.detect(frame.jpeg);
      }
    } catch (e) {
      this.countError(frame, e);
      return;
    }
    this.deliver(frame, detector, result);
  }

  private deliver(frame: Frame, detector: PipelineDetector, result: DetectionResult): void {
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

  private countError(frame: Frame, e: unknown): void {
    if (e instanceof DataError) {
      this.source.countCorrupt();
      log.debug({ source: this.source.name, seq: frame.seq }, `corrupt frame skipped: ${e.message}`);
    } else {
      this.failed++;
      log.error({ source: this.source.name, seq: frame.seq, err: e }, 'detection failed; going on with the next frame');
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.busy.add(work);
    const done = () => this.busy.delete(work);
    work.then(done, done);
    return work;
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
