import assert from 'node:assert/strict';
import test from 'node:test';
import { ChannelStats, channelFactors, scaledRange } from '../../../trainer/quantize/calibration/channel-scales.js';
import { MinMax } from '../../../trainer/quantize/calibration/histogram.js';
import { entropyRange, histogramFor, minMaxRange, percentileRange } from '../../../trainer/quantize/calibration/methods.js';
import { activationParams } from '../../../trainer/quantize/qparams.js';

/** Deterministic standard normal samples (Box-Muller on a fixed LCG). */
function gaussian(n: number, seed = 1): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}

/** Feeds batches as calibration does: min/max first, then a histogram over that range. */
function collect(batches: Float32Array[]) {
  const m = new MinMax();
  batches.forEach((b) => m.add(b));
  const h = histogramFor(m);
  batches.forEach((b) => h.add(b));
  return { m, h };
}

test('minmax: exactly the smallest and largest value seen over all batches', () => {
  const { m } = collect([Float32Array.from([0.5, -3, 2]), Float32Array.from([7.25, 0])]);
  assert.deepEqual(minMaxRange(m), [-3, 7.25]);
});

test('percentile: clips the tails of a normal distribution where the normal quantiles are', () => {
  const data = gaussian(400_000);
  const { h } = collect([data.subarray(0, 200_000), data.subarray(200_000)]);
  const [lo, hi] = percentileRange(h, 99.9);
  // Φ⁻¹(0.999) = 3.09; bins are ~0.005 wide here.
  assert.ok(Math.abs(hi - 3.09) < 0.1, `high clip ${hi}`);
  assert.ok(Math.abs(lo + 3.09) < 0.1, `low clip ${lo}`);
});

test('entropy: ignores rare far outliers and keeps the bulk of a normal distribution', () => {
  const data = gaussian(200_000);
  data[0] = 60;
  data[1] = -60;
  const { h } = collect([data]);
  const [lo, hi] = entropyRange(h);
  assert.ok(hi > 2.5 && hi < 20, `high clip ${hi} should sit between the bulk and the outlier`);
  assert.ok(lo < -2.5 && lo > -20, `low clip ${lo}`);
});

test('entropy: keeps (nearly) the whole range of a uniform distribution', () => {
  const data = Float32Array.from({ length: 100_000 }, (_, i) => (i % 1000) / 1000);
  const [lo, hi] = entropyRange(collect([data]).h);
  assert.ok(lo <= 0.01 && hi >= 0.9, `[${lo}, ${hi}]`);
});

test('activation params: range widened to hold 0, asymmetric uint8 and int8', () => {
  assert.deepEqual(activationParams(2, 10, 'uint8'), { scale: Math.fround(10 / 255), zeroPoint: 0 });
  const u = activationParams(-1, 3, 'uint8');
  assert.equal(u.zeroPoint, Math.round(1 / u.scale));
  const s = activationParams(-1, 3, 'int8');
  assert.equal(s.zeroPoint, Math.round(-128 + 1 / s.scale));
  assert.deepEqual(activationParams(0, 0, 'uint8'), { scale: 1, zeroPoint: 0 });
});

test('channel factors even out channels a thousandfold apart', () => {
  const stats = new ChannelStats();
  // 1x2x1x4: channel 0 up to 90, channel 1 up to 0.09, both mostly positive.
  stats.add(Float32Array.from([-0.2, 10, 50, 90, -0.0002, 0.01, 0.05, 0.09]), [1, 2, 1, 4]);
  const f = channelFactors(stats);
  assert.ok(Math.abs(f[0]! - 1) < 1e-6);
  assert.ok(Math.abs(f[1]! - 0.001) < 1e-6, `factor ${f[1]}`);
  const [lo, hi] = scaledRange(stats, f);
  assert.ok(Math.abs(hi - 90) < 1e-3 && lo >= -0.21, `[${lo}, ${hi}]`);
  assert.deepEqual([...stats.means()].map((v) => +v.toFixed(4)), [37.45, 0.0375]);
});
