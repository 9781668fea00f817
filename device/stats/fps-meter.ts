/** Frames per second over the last `windowMs`, from the times frames were done. */
export class FpsMeter {
  private readonly times: number[] = [];

  constructor(private readonly windowMs = 5000) {}

  record(at: number): void {
    this.times.push(at);
    this.prune(at);
  }

  fps(now: number): number {
    this.prune(now);
    if (this.times.length < 2) return 0;
    // Over the span the frames cover, so a meter that just started reads right at once.
    const span = Math.max(now - this.times[0]!, 1);
    return Math.round(((this.times.length - 1) / span) * 1000 * 10) / 10;
  }

  private prune(now: number): void {
    while (this.times.length && this.times[0]! < now - this.windowMs) this.times.shift();
  }
}
