/**
 * argus' WebAssembly gradient kernels against TF.js' CPU backend on random shapes: plain and
 * depthwise convolutions (channel multipliers 1 and 2), 1x1 to 5x5 filters, strides 1 and 2,
 * 'same', 'valid' and asymmetric explicit padding, and max pooling. Gradients must agree to a
 * relative error below 1e-4.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../trainer/backends/index.js';
import { randomData, relError } from '../executor/helpers.js';
import { on, randomInts } from './backend-compare.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  depthwise: boolean;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}

before(async () => {
  await selectBackend({ backend: 'cpu' });
});

function outSize(c: Case): number[] {
  return tf.tidy(() => (c.depthwise ? tf.depthwiseConv2d : tf.conv2d)(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad).shape);
}

function randomCases(count: number, seed: number): Case[] {
  const r = randomInts(seed);
  const cases: Case[] = [];
  while (cases.length < count) {
    const depthwise = cases.length % 2 === 1;
    const k = [1, 3, 5][r(0, 2)]!;
    const cin = r(1, 9);
    const p = (): number => r(0, 2);
    const kind = r(0, 2);
    const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid' : [[0, 0], [p(), p()], [p(), p()], [0, 0]];
    const c: Case = { depthwise, x: [r(1, 3), r(k, 14), r(k, 14), cin], filter: [k, k, cin, depthwise ? r(1, 2) : r(1, 9)], stride: r(1, 2), pad };
    if (outSize(c).every((d) => d > 0)) cases.push(c);
  }
  return cases;
}

function gradients(c: Case, xs: Float32Array, ws: Float32Array, dys: Float32Array): tf.Tensor[] {
  const conv = (x: tf.Tensor4D, w: tf.Tensor4D) => (c.depthwise ? tf.depthwiseConv2d(x, w, c.stride, c.pad) : tf.conv2d(x, w, c.stride, c.pad));
  const dy = tf.tensor(dys, outSize(c));
  return tf.grads((x, w) => tf.sum(tf.mul(conv(x as tf.Tensor4D, w as tf.Tensor4D), dy)))([tf.tensor(xs, c.x), tf.tensor(ws, c.filter)]);
}

test('conv and depthwise conv gradients on wasm match the CPU backend on 40 random shapes', async (t) => {
  let worst = 0;
  for (const [i, c] of randomCases(40, 7).entries()) {
    const size = (d: number[]) => d.reduce((a, b) => a * b, 1);
    const xs = randomData(size(c.x), 3 * i + 1);
    const ws = randomData(size(c.filter), 3 * i + 2);
    const dys = randomData(size(outSize(c)), 3 * i + 3);
    const [wasm, cpu] = [await on('wasm', () => gradients(c, xs, ws, dys)), await on('cpu', () => gradients(c, xs, ws, dys))];
    ['dx', 'dfilter'].forEach((what, k) => {
      const e = relError(wasm[k]!, cpu[k]!);
      worst = Math.max(worst, e);
      assert.ok(e < 1e-4, `${what} of ${JSON.stringify(c)}: relative error ${e}`);
    });
  }
  t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
});

test('max pooling gradients on wasm match the CPU backend on 30 random shapes', async (t) => {
  const r = randomInts(23);
  let worst = 0;
  for (let i = 0; i < 30; i++) {
    const shape: [number, number, number, number] = [r(1, 3), r(1, 12), r(1, 12), r(1, 9)];
    const k = r(1, Math.min(shape[1], shape[2]));
    const stride = r(1, 2);
    const pad = [r(0, Math.floor(k / 2)), 'same' as const, 'valid' as const][r(0, 2)]!;
    const ys = tf.tidy(() => tf.maxPool(tf.zeros(shape) as tf.Tensor4D, k, stride, pad).shape);
    const xs = randomData(shape.reduce((a, b) => a * b, 1), 2 * i + 1);
    const dys = randomData(ys.reduce((a, b) => a * b, 1), 2 * i + 2);
    const run = () => [tf.grad((x) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, k, stride, pad), tf.tensor(dys, ys))))(tf.tensor(xs, shape))];
    const [[wasm], [cpu]] = [await on('wasm', run), await on('cpu', run)];
    const e = relError(wasm!, cpu!);
    worst = Math.max(worst, e);
    assert.ok(e < 1e-4, `maxPool ${shape} k${k} s${stride} pad ${pad}: relative error ${e}`);
  }
  t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
});
