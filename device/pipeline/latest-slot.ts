/**
 * A one-place mailbox between a camera and a slower consumer: `put` replaces a waiting item (counted
 * in `dropped`) so the consumer always gets the newest frame and memory never grows with a backlog.
 */
export class LatestSlot<T> {
  private item: { value: T } | null = null;
  private taker: ((value: T | null) => void) | null = null;
  private closed = false;
  /** Items replaced before anyone took them. */
  dropped = 0;

  /** Offers an item; after close() it is ignored (a camera still delivering while it stops). */
  put(value: T): void {
    if (this.closed) return;
    if (this.taker) {
      const taker = this.taker;
      this.taker = null;
      taker(value);
      return;
    }
    if (this.item) this.dropped++;
    this.item = { value };
  }

  /** The waiting item, else the next one put; null once closed. One taker at a time. */
  take(): Promise<T | null> {
    if (this.item) {
      const { value } = this.item;
      this.item = null;
      return Promise.resolve(value);
    }
    if (this.closed) return Promise.resolve(null);
    if (this.taker) return Promise.reject(new Error('LatestSlot.take: another take() is still waiting; the slot has one consumer'));
    return new Promise((resolve) => {
      this.taker = resolve;
    });
  }

  /** Ends the slot: a waiting take() gets null, a waiting item is discarded. */
  close(): void {
    this.closed = true;
    this.item = null;
    this.taker?.(null);
    this.taker = null;
  }
}
