/**
 * Fixed-range histograms of activation values: a few KB per tensor whatever the number of
 * calibration images, which is what keeps calibration memory bounded.
 */

/** Bins per histogram: fine enough for a 99.99th percentile and for the KL search's 256 levels. */
const HISTOGRAM_BINS = 2048;

export class Histogram {
  readonly counts: Float64Array;
  readonly width: number;

  constructor(
    readonly lo: number,
    readonly hi: number,
    bins = HISTOGRAM_BINS,
  ) {
    this.counts = new Float64Array(bins);
    this.width = hi > lo ? (hi - lo) / bins : 1;
  }

  get bins(): number {
    return this.counts.length;
  }

  /** Adds values; values outside [lo, hi] land in the end bins. */
  add(values: Float32Array): void {
    const { counts, lo } = this;
    const last = counts.length - 1;
    const inv = 1 / this.width;
    for (let i = 0; i < values.length; i++) {
      const b = Math.floor((values[i]! - lo) * inv);
      counts[b < 0 ? 0 : b > last ? last : b]!++;
    }
  }

  /** Left edge of bin `i` (i = bins gives the right edge of the last bin). */
  edge(i: number): number {
    return i >= this.counts.length ? this.hi : this.lo + i * this.width;
  }

  /** The bin holding value 0, clamped into the histogram. */
  zeroBin(): number {
    return Math.min(this.counts.length - 1, Math.max(0, Math.floor(-this.lo / this.width)));
  }
}

/** Running min and max of each tensor. */
export class MinMax {
  min = Infinity;
  max = -Infinity;

  add(values: Float32Array): void {
    let { min, max } = this;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
  }
}
