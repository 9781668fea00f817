/** The latest `capacity` samples of a measurement, in a fixed ring (no growth on a long run). */
export class RollingWindow {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`rolling window capacity must be a positive integer, got ${capacity}`);
    this.samples = new Float64Array(capacity);
  }

  push(value: number): void {
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Nearest-rank percentiles (0 < p ≤ 100) of the samples held, in the order asked; null when empty. */
  percentiles(ps: readonly number[]): number[] | null {
    if (!this.count) return null;
    const sorted = this.samples.slice(0, this.count).sort();
    return ps.map((p) => sorted[Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count))) - 1]!);
  }
}
