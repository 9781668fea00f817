import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../log.js';

/**
 * Calls `tick` `fps` times a second, never two at once. A tick that runs late delays the next one
 * instead of a burst of catch-up ticks, as a camera that falls behind drops frames.
 */
export class Pacer {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly fps: number,
    private readonly tick: () => Promise<void>,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Resolves once the tick in progress, if any, is done; no tick starts after. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.fps;
    let next = performance.now();
    while (!this.abort.signal.aborted) {
      try {
        await this.tick();
      } catch (e) {
        // A frame listener that throws is a bug there; the camera keeps its pace.
        log.error({ err: e }, 'a paced source tick failed');
      }
      const now = performance.now();
      next = Math.max(next + interval, now);
      try {
        await sleep(next - now, undefined, { signal: this.abort.signal });
      } catch {
        return; // aborted by stop()
      }
    }
  }
}
