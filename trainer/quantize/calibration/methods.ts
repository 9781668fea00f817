/**
 * Calibration methods: from what was seen of a tensor to the range its int8 scale covers.
 * - minmax: everything seen, exactly; one outlier widens the scale for all values.
 * - percentile: clips each tail at (100 − p)% of the values (p = 99.99 clips 1 in 10,000 per side).
 * - entropy: the clip whose int8 version of the histogram loses least information (smallest
 *   KL divergence), TensorRT's method, searched over ranges that keep zero where it is.
 */
import type { CalibrationMethod } from '../../../models/quantization.js';
import { Histogram, type MinMax } from './histogram.js';

export type { CalibrationMethod };

export type Range = [min: number, max: number];

export function minMaxRange(m: MinMax): Range {
  return [m.min, m.max];
}

/** The histogram range for a tensor: its min and max, widened to hold 0 as the quantized range will. */
export function histogramFor(m: MinMax): Histogram {
  return new Histogram(Math.min(m.min, 0), Math.max(m.max, 0));
}

/** Values at cumulative fractions (100 − p)/100 and p/100, interpolated inside their bins. */
export function percentileRange(h: Histogram, percentile: number): Range {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return [0, 0];
  const tail = (total * (100 - percentile)) / 100;
  const at = (target: number): number => {
    let cum = 0;
    for (let i = 0; i < h.bins; i++) {
      const c = h.counts[i]!;
      if (cum + c >= target && c > 0) return h.edge(i) + h.width * Math.min(1, Math.max(0, (target - cum) / c));
      cum += c;
    }
    return h.hi;
  };
  return [at(tail), at(total - tail)];
}

/** Candidate windows grow by this many bins: 224 candidates for 2048 bins and 256 levels. */
const WINDOW_STEP = 8;

/**
 * KL(P‖Q) of a window of the histogram: P is the window with the clipped outliers added to its
 * end bins, Q the window merged into `levels` int8 levels and spread back over P's non-empty bins.
 * Q leaves the outliers out, so clipping many values costs what it should.
 */
function windowDivergence(counts: Float64Array, start: number, stop: number, levels: number): number {
  const k = stop - start;
  const p = counts.slice(start, stop);
  for (let i = 0; i < start; i++) p[0]! += counts[i]!;
  for (let i = stop; i < counts.length; i++) p[k - 1]! += counts[i]!;
  const q = new Float64Array(k);
  const perLevel = k / levels;
  for (let j = 0; j < levels; j++) {
    const a = Math.floor(j * perLevel);
    const b = j === levels - 1 ? k : Math.floor((j + 1) * perLevel);
    let sum = 0;
    let nonEmpty = 0;
    for (let i = a; i < b; i++) {
      sum += counts[start + i]!;
      if (p[i]! > 0) nonEmpty++;
    }
    if (nonEmpty) for (let i = a; i < b; i++) if (p[i]! > 0) q[i] = sum / nonEmpty;
  }
  let pSum = 0;
  let qSum = 0;
  for (let i = 0; i < k; i++) {
    pSum += p[i]!;
    qSum += q[i]!;
  }
  if (pSum === 0) return 0;
  // A bin that P fills and Q leaves empty would make the divergence infinite; a tiny floor
  // keeps the comparison between windows meaningful.
  const floor = 1e-12;
  let kl = 0;
  for (let i = 0; i < k; i++) {
    const pi = p[i]! / pSum;
    if (pi === 0) continue;
    const qi = qSum > 0 ? Math.max(q[i]! / qSum, floor) : floor;
    kl += pi * Math.log(pi / qi);
  }
  return kl;
}

/**
 * Entropy calibration. Windows keep the zero bin at the same relative place as the full range,
 * so the zero point an asymmetric int8 tensor gets stays where the data puts it; `levels` is the
 * number of int8 values (256).
 */
export function entropyRange(h: Histogram, levels = 256): Range {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0 || h.bins <= levels) return [h.lo, h.hi];
  const zero = h.zeroBin();
  const leftShare = zero / h.bins;
  let best: Range = [h.lo, h.hi];
  let bestKl = Infinity;
  for (let k = levels; k <= h.bins; k += WINDOW_STEP) {
    const start = Math.round(zero - leftShare * k);
    const stop = start + k;
    const kl = windowDivergence(h.counts, start, stop, levels);
    if (kl < bestKl) {
      bestKl = kl;
      best = [h.edge(start), h.edge(stop)];
    }
  }
  return best;
}
