import { EventEmitter } from 'node:events';
import { log } from '../log.js';
import { jpegProblem } from './jpeg-check.js';
import type { FrameSource, SourceEvents, SourceStats } from './source.js';

/** Numbering, checking and counting of frames, shared by every kind of source. */
export abstract class SourceBase extends EventEmitter<SourceEvents> implements FrameSource {
  private readonly counters: SourceStats = { frames: 0, corrupt: 0, restarts: 0, lastFrameAt: null };
  private started = false;

  constructor(readonly name: string) {
    super();
  }

  start(): void {
    if (this.started) throw new Error(`source ${this.name} is already started`);
    this.started = true;
    this.begin();
  }

  abstract stop(): Promise<void>;

  /** Starts capture; called once by start(). */
  protected abstract begin(): void;

  stats(): SourceStats {
    return { ...this.counters };
  }

  countCorrupt(): void {
    this.counters.corrupt++;
  }

  protected countRestart(): void {
    this.counters.restarts++;
  }

  /** Hands a JPEG to listeners, stamped now, or counts it as corrupt when its markers are wrong. */
  protected offer(jpeg: Buffer): void {
    const problem = jpegProblem(jpeg);
    if (problem) {
      this.counters.corrupt++;
      log.debug({ source: this.name, bytes: jpeg.length }, `corrupt frame skipped: ${problem}`);
      return;
    }
    const ts = Date.now();
    const seq = this.counters.frames++;
    this.counters.lastFrameAt = ts;
    this.emit('frame', { seq, ts, jpeg });
  }
}
