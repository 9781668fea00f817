import { EventEmitter } from 'node:events';
import { annotateJpeg } from '../detect/annotate.js';
import { log } from '../log.js';
import type { FrameResult } from '../pipeline/index.js';

/** Draws detections on a frame; `annotateJpeg` unless a test counts the calls. */
export type Annotate = (jpeg: Buffer, detections: FrameResult['detections']) => Promise<Buffer>;

/** A frame result with its detections drawn. */
export interface AnnotatedFrame {
  /** Increases with every result handed to `LiveFrames.update`, so viewers never go back in time. */
  n: number;
  result: FrameResult;
  jpeg: Buffer;
}

/**
 * The latest frame result and, on demand, its annotated JPEG. A frame is drawn at most once, and
 * only when someone asks: a live-stream viewer (`watch`) or a snapshot. Only the newest frame is
 * kept, so when frames arrive faster than they can be drawn the ones in between are never drawn.
 */
export class LiveFrames extends EventEmitter<{ frame: [AnnotatedFrame] }> {
  private latestResult: FrameResult | null = null;
  private n = 0;
  private drawn: { result: FrameResult; n: number; jpeg: Promise<Buffer> } | null = null;
  private drawing = false;
  private watchers = 0;
  private warned = false;
  /** Frames drawn so far (each at most once). */
  annotations = 0;

  constructor(private readonly annotate: Annotate = annotateJpeg) {
    super();
  }

  get latest(): FrameResult | null {
    return this.latestResult;
  }

  /** A new result; drawn and emitted as `frame` right away while someone watches. */
  update(result: FrameResult): void {
    this.latestResult = result;
    this.n++;
    if (this.watchers > 0) void this.drawLatest();
  }

  /** The latest result drawn; null before the first result. */
  async current(): Promise<AnnotatedFrame | null> {
    const result = this.latestResult;
    if (!result) return null;
    const { n, jpeg } = this.draw(result, this.n);
    return { n, result, jpeg: await jpeg };
  }

  /** Counts a viewer until the returned function is called; `frame` events flow while one watches. */
  watch(): () => void {
    this.watchers++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.watchers--;
    };
  }

  private draw(result: FrameResult, n: number): { n: number; jpeg: Promise<Buffer> } {
    if (this.drawn?.result !== result) {
      this.annotations++;
      const jpeg = this.annotate(result.jpeg, result.detections).catch((e: unknown) => {
        // A frame the pipeline decoded should draw; if not, the plain frame is better than none.
        log[this.warned ? 'debug' : 'warn']({ err: e, seq: result.seq }, 'live view: cannot draw detections; sending the plain frame');
        this.warned = true;
        return result.jpeg;
      });
      this.drawn = { result, n, jpeg };
    }
    return this.drawn;
  }

  /** Draws and emits the newest result, one at a time; results superseded meanwhile are skipped. */
  private async drawLatest(): Promise<void> {
    if (this.drawing) return;
    this.drawing = true;
    try {
      let emitted: FrameResult | null = null;
      while (this.watchers > 0 && this.latestResult && this.latestResult !== emitted) {
        const result: FrameResult = this.latestResult;
        const { n, jpeg } = this.draw(result, this.n);
        const frame = { n, result, jpeg: await jpeg };
        emitted = result;
        this.emit('frame', frame);
      }
    } finally {
      this.drawing = false;
    }
  }
}
