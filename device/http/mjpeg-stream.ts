import type { ServerResponse } from 'node:http';
import type { AnnotatedFrame, LiveFrames } from './live-frames.js';

const BOUNDARY = 'argusframe';
/**
 * Each frame is followed at once by the boundary and the header block of the next part: Chromium
 * shows a part only when the next part's headers have come, so a frame sent on its own would appear
 * one frame late (and a camera's last frame never). The headers therefore carry no Content-Length,
 * which multipart does not need: the boundary ends each part.
 */
const NEXT_PART = `\r\n--${BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\n`;

/** One viewer: at most one frame waits for it, always the newest, so a slow phone holds no backlog. */
class Viewer {
  private lastSent = 0;
  private waiting: AnnotatedFrame | null = null;
  private blocked = false;

  constructor(
    readonly res: ServerResponse,
    private readonly onSkip: () => void,
  ) {}

  /** Bytes queued in Node for this viewer, beyond what the socket took. */
  get buffered(): number {
    return this.res.writableLength;
  }

  offer(frame: AnnotatedFrame): void {
    if (frame.n <= this.lastSent || this.res.destroyed) return;
    if (this.blocked) {
      if (this.waiting) this.onSkip();
      this.waiting = frame;
      return;
    }
    this.send(frame);
  }

  private send(frame: AnnotatedFrame): void {
    this.lastSent = frame.n;
    const res = this.res;
    res.write(frame.jpeg);
    if (res.write(NEXT_PART)) return;
    this.blocked = true;
    res.once('drain', () => {
      this.blocked = false;
      const next = this.waiting;
      this.waiting = null;
      if (next) this.offer(next);
    });
  }
}

/**
 * The live view as MJPEG (`multipart/x-mixed-replace`), which an `<img>` shows without any script.
 * Frames are drawn only while someone watches (see `LiveFrames.watch`).
 */
export class MjpegStream {
  private readonly viewers = new Set<Viewer>();
  /** Frames a slow viewer never got because a newer one replaced them. */
  skipped = 0;

  constructor(private readonly frames: LiveFrames) {
    frames.on('frame', (f) => {
      for (const v of this.viewers) v.offer(f);
    });
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Bytes waiting in Node for each viewer (for tests of slow viewers). */
  bufferedBytes(): number[] {
    return [...this.viewers].map((v) => v.buffered);
  }

  /** Streams to this response until the viewer goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
      'Cache-Control': 'no-store, no-cache, must-revalidate',
      Pragma: 'no-cache',
      Connection: 'close',
    });
    res.write(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\n`);
    const viewer = new Viewer(res, () => this.skipped++);
    const unwatch = this.frames.watch();
    this.viewers.add(viewer);
    res.on('close', () => {
      this.viewers.delete(viewer);
      unwatch();
    });
    // The newest frame right away, so a viewer sees a picture before the next result.
    void this.frames.current().then((f) => f && viewer.offer(f));
  }
}
