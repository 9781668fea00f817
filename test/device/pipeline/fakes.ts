import { EventEmitter } from 'node:events';
import type { DetectionResult, PreparedFrame } from '../../../device/detect/detector.js';
import type { ImageInput } from '../../../device/detect/preprocess.js';
import type { PipelineDetector } from '../../../device/pipeline/index.js';
import type { FrameSource, SourceEvents, SourceStats } from '../../../device/sources/index.js';
import type { Detection } from '../../../models/boxes.js';
import type { Manifest } from '../../../models/manifest.js';

/** A source the test drives frame by frame. */
export class ManualSource extends EventEmitter<SourceEvents> implements FrameSource {
  readonly name = 'manual';
  private counters: SourceStats = { frames: 0, corrupt: 0, restarts: 0, lastFrameAt: null };
  started = false;
  stopped = false;

  start(): void {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  stats(): SourceStats {
    return { ...this.counters };
  }

  countCorrupt(): void {
    this.counters.corrupt++;
  }

  /** Emits a frame whose bytes carry `tag`, so the fake detector can tell frames apart. */
  push(tag: string, ts = Date.now()): void {
    const seq = this.counters.frames++;
    this.counters.lastFrameAt = ts;
    this.emit('frame', { seq, ts, jpeg: Buffer.from(tag) });
  }
}

interface Call {
  tag: string;
  finish(detections: Detection[]): void;
  fail(e: Error): void;
}

/** A detector whose calls wait until the test finishes them, with the detections it chooses. */
export class ManualDetector implements PipelineDetector {
  readonly options = { scoreThreshold: 0.3 };
  readonly precision = 'fp32' as const;
  readonly manifest: Manifest;
  readonly calls: Call[] = [];
  private waiters: { index: number; resolve: (c: Call) => void }[] = [];

  constructor(name: string, labels: string[] = ['person', 'car']) {
    this.manifest = { name, labels } as Manifest;
  }

  detect(image: ImageInput): Promise<DetectionResult> {
    return new Promise((resolve, reject) => {
      const call: Call = {
        tag: String(image),
        finish: (detections) => resolve({ image: { w: 64, h: 48 }, detections, timing_ms: { decode: 1, pre: 1, infer: 5, post: 1 } }),
        fail: reject,
      };
      this.calls.push(call);
      for (const w of this.waiters.filter((w) => w.index === this.calls.length - 1)) w.resolve(call);
    });
  }

  /** The `index`-th call to detect(), once it is made. */
  call(index: number): Promise<Call> {
    const made = this.calls[index];
    return made ? Promise.resolve(made) : new Promise((resolve) => this.waiters.push({ index, resolve }));
  }
}

interface Inference {
  tag: string;
  finish(detections: Detection[]): void;
}

/**
 * A detector with prepare/infer halves: prepare resolves at once unless the test holds it
 * (`holdPrepare`), infer waits until the test finishes it. `log` records every call in order.
 */
export class SplitFakeDetector implements PipelineDetector {
  readonly options = { scoreThreshold: 0.3 };
  readonly precision = 'fp32' as const;
  readonly manifest: Manifest;
  readonly log: string[] = [];
  readonly inferences: Inference[] = [];
  private waiters: { index: number; resolve: (i: Inference) => void }[] = [];
  private held: Promise<void> | null = null;

  constructor(name: string) {
    this.manifest = { name, labels: ['person', 'car'] } as Manifest;
  }

  /** Makes the next prepare calls wait until the returned function is called. */
  holdPrepare(): () => void {
    let letGo!: () => void;
    this.held = new Promise((resolve) => (letGo = resolve));
    return () => {
      this.held = null;
      letGo();
    };
  }

  async prepare(image: ImageInput): Promise<PreparedFrame> {
    this.log.push(`prepare:${String(image)}`);
    if (this.held) await this.held;
    return { image: { w: 64, h: 48 }, letterbox: { tag: String(image) }, timing_ms: { decode: 1, pre: 1 } } as unknown as PreparedFrame;
  }

  infer(prepared: PreparedFrame): Promise<DetectionResult> {
    const tag = (prepared.letterbox as unknown as { tag: string }).tag;
    this.log.push(`infer:${tag}`);
    return new Promise((resolve) => {
      const inference: Inference = {
        tag,
        finish: (detections) => {
          this.log.push(`done:${tag}`);
          resolve({ image: prepared.image, detections, timing_ms: { decode: 1, pre: 1, infer: 5, post: 1 } });
        },
      };
      this.inferences.push(inference);
      for (const w of this.waiters.filter((w) => w.index === this.inferences.length - 1)) w.resolve(inference);
    });
  }

  release(prepared: PreparedFrame): void {
    this.log.push(`release:${(prepared.letterbox as unknown as { tag: string }).tag}`);
  }

  async detect(image: ImageInput): Promise<DetectionResult> {
    this.log.push(`detect:${String(image)}`);
    return { image: { w: 64, h: 48 }, detections: [], timing_ms: { decode: 1, pre: 1, infer: 5, post: 1 } };
  }

  /** The `index`-th call to infer(), once it is made. */
  inference(index: number): Promise<Inference> {
    const made = this.inferences[index];
    return made ? Promise.resolve(made) : new Promise((resolve) => this.waiters.push({ index, resolve }));
  }
}
