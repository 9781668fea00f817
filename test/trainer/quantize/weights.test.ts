import assert from 'node:assert/strict';
import test from 'node:test';
import { biasShift, foldChannelFactors, quantizeBias, quantizeWeightsPerChannel, WEIGHT_QMAX } from '../../../trainer/quantize/weights.js';

// Two output channels of a 1x2x1x1 conv weight, an order of magnitude apart.
const w = Float32Array.from([0.5, -1.0, 10, 2.5]);
const dims = [2, 2, 1, 1];

test('weights: one symmetric scale per output channel, max |w| maps to ±127', () => {
  const q = quantizeWeightsPerChannel(w, dims, 0);
  assert.deepEqual([...q.scales].map((s) => +s.toFixed(6)), [+(1 / WEIGHT_QMAX).toFixed(6), +(10 / WEIGHT_QMAX).toFixed(6)]);
  assert.deepEqual([...q.values], [64, -127, 127, 32]);
  for (let i = 0; i < w.length; i++) assert.ok(Math.abs(q.values[i]! * q.scales[i >> 1]! - w[i]!) <= q.scales[i >> 1]! / 2 + 1e-7);
});

test('weights: per-channel along another axis (Gemm B is K x N: channels on axis 1)', () => {
  const b = Float32Array.from([1, 100, -2, 50]); // K=2 rows, N=2 columns
  const q = quantizeWeightsPerChannel(b, [2, 2], 1);
  assert.deepEqual([...q.scales].map((s) => +(s * WEIGHT_QMAX).toFixed(4)), [2, 100]);
  assert.deepEqual([...q.values], [64, 127, -127, 64]);
});

test('weights: an all-zero channel gets scale 1 and zeros', () => {
  const q = quantizeWeightsPerChannel(Float32Array.from([0, 0, 1, -1]), dims, 0);
  assert.equal(q.scales[0], 1);
  assert.deepEqual([...q.values.slice(0, 2)], [0, 0]);
});

test('bias: int32 with scale = input scale x weight scale of its channel, zero point 0', () => {
  const q = quantizeWeightsPerChannel(w, dims, 0);
  const b = quantizeBias(Float32Array.from([0.3, -7]), 0.02, q.scales);
  // Stored as float32, as the DequantizeLinear scale is.
  assert.equal(b.scales[0], Math.fround(0.02 * q.scales[0]!));
  assert.equal(b.scales[1], Math.fround(0.02 * q.scales[1]!));
  assert.equal(b.values[0], Math.round(0.3 / b.scales[0]!));
  assert.equal(b.values[1], Math.round(-7 / b.scales[1]!));
});

test('bias: a weight scale too small for the int32 bias is raised so the bias fits', () => {
  const tiny = Float32Array.from([1e-9, -1e-9]);
  const bias = Float32Array.from([1000]);
  const q = quantizeWeightsPerChannel(tiny, [1, 2, 1, 1], 0, { values: bias, inputScale: 1e-3 });
  const b = quantizeBias(bias, 1e-3, q.scales);
  assert.ok(Math.abs(b.values[0]! * b.scales[0]! - 1000) / 1000 < 1e-6, 'bias survives the round trip');
});

test('channel factors fold into conv weights: rows divided, input channels multiplied, groups respected', () => {
  // Depthwise: 2 groups, one input channel each.
  const dw = foldChannelFactors(Float32Array.from([1, 2]), [2, 1, 1, 1], 2, Float32Array.from([2, 4]), Float32Array.from([3, 5]));
  assert.deepEqual([...dw], [1.5, 2.5]);
  const dense = foldChannelFactors(Float32Array.from([1, 1, 1, 1]), dims, 1, undefined, Float32Array.from([2, 3]));
  assert.deepEqual([...dense], [2, 3, 2, 3]);
});

test('bias shift: the mean output change that weight rounding causes for a given input mean', () => {
  const q = quantizeWeightsPerChannel(w, dims, 0);
  const means = [100, 50];
  const shift = biasShift(w, q.values, q.scales, dims, 1, means);
  for (let m = 0; m < 2; m++) {
    let expected = 0;
    for (let k = 0; k < 2; k++) expected += (q.values[m * 2 + k]! * q.scales[m]! - w[m * 2 + k]!) * means[k]!;
    assert.ok(Math.abs(shift[m]! - expected) < 1e-5);
  }
});
