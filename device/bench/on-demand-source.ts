import { SourceBase } from '../sources/index.js';

/**
 * Frames from memory, handed out one at a time as the consumer asks (`next()`, wired to the
 * pipeline's `taken` event), so a benchmark runs as fast as the pipeline takes frames and is never
 * paced by a camera. Loops over `frames` from `offset` until `count` are out, then ends.
 */
export class OnDemandSource extends SourceBase {
  private sent = 0;
  private stopped = false;
  private ended = false;

  constructor(
    name: string,
    private readonly frames: readonly Buffer[],
    private readonly count: number,
    /** Index of the first frame handed out. */
    private readonly offset = 0,
  ) {
    super(name);
    if (!frames.length) throw new RangeError('OnDemandSource needs at least one frame');
  }

  protected begin(): void {
    this.next();
  }

  /**
   * Offers the next frame; after the last one, ends the source. A frame the source refuses as
   * corrupt (counted) is passed over, else the consumer would wait for it forever.
   */
  next(): void {
    while (!this.stopped && !this.ended) {
      if (this.sent >= this.count) {
        this.ended = true;
        this.emit('end');
        return;
      }
      const offered = this.stats().frames;
      this.offer(this.frames[(this.offset + this.sent++) % this.frames.length]!);
      if (this.stats().frames > offered) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
