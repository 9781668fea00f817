import type { BackoffOptions } from './options.js';

/**
 * Restart delays that double from `initialMs` up to `maxMs`, and start again from `initialMs`
 * once a process ran for `healthyAfterMs`: a camera that crashes in a loop is not restarted in
 * a tight loop, and one that failed once an hour is back at once.
 */
export class Backoff {
  private nextMs: number;

  constructor(private readonly opts: BackoffOptions) {
    this.nextMs = opts.initialMs;
  }

  /** The wait before restarting a process that ran `ranMs` before it exited. */
  delayAfter(ranMs: number): number {
    if (ranMs >= this.opts.healthyAfterMs) this.nextMs = this.opts.initialMs;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.opts.maxMs);
    return delay;
  }
}
