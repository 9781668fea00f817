import { EventEmitter } from 'node:events';
import type { DetectionResult } from '../../../device/detect/detector.js';
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
