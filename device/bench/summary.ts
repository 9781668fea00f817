/** Spread of one measurement over a run, in ms. */
export interface Summary {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Nearest-rank percentiles (as RollingWindow takes them) and the mean, rounded to 0.001 ms; null for no samples. */
export function summarize(samples: readonly number[]): Summary | null {
  if (!samples.length) return null;
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { min: round(sorted[0]!), p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), mean: round(mean) };
}
