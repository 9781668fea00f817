/**
 * argus' replacements of wasm data-movement kernels (Slice, SplitV, Transpose, Identity, Cast)
 * and of its Sum over leading axes give exactly what the CPU backend gives, on random shapes of
 * rank 1 to 6.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { randomData } from '../executor/helpers.js';
import { on, randomInts } from './backend-compare.js';

interface Case {
  shape: number[];
  begin: number[];
  size: number[];
  perm: number[];
  axis: number;
  splits: number[];
}

function randomCase(r: (lo: number, hi: number) => number): Case {
  const shape = Array.from({ length: r(1, 6) }, () => r(1, 7));
  const begin = shape.map((d) => r(0, d - 1));
  const size = shape.map((d, i) => r(1, d - begin[i]!));
  const perm = shape.map((_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = r(0, i);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const axis = r(0, shape.length - 1);
  const first = r(0, shape[axis]!);
  return { shape, begin, size, perm, axis, splits: [first, shape[axis]! - first] };
}

function ops(c: Case, data: Float32Array): tf.Tensor[] {
  const x = tf.tensor(data, c.shape);
  const leading = Array.from({ length: c.axis }, (_, i) => i);
  return [
    tf.slice(x, c.begin, c.size),
    tf.transpose(x, c.perm),
    ...tf.split(x, c.splits, c.axis),
    tf.clone(x),
    tf.cast(x, 'float32'),
    tf.cast(tf.mul(x, 10), 'int32'),
    tf.sum(x, leading),
    tf.sum(x, leading, true),
  ];
}

test('Slice, SplitV, Transpose, Identity, Cast and Sum on wasm equal the CPU backend', async () => {
  const r = randomInts(11);
  for (let i = 0; i < 60; i++) {
    const c = randomCase(r);
    const data = randomData(
      c.shape.reduce((a, b) => a * b, 1),
      i,
    );
    const [wasm, cpu] = [await on('wasm', () => ops(c, data)), await on('cpu', () => ops(c, data))];
    wasm.forEach((w, k) => assert.deepEqual(w, cpu[k], `output ${k} of ${JSON.stringify(c)}`));
  }
});

test('a large NHWC transpose and channel split match too (the tiled paths)', async () => {
  const data = randomData(2 * 37 * 41 * 70, 5);
  const run = () => {
    const x = tf.tensor(data, [2, 37, 41, 70]);
    return [tf.transpose(x, [0, 3, 1, 2]), tf.transpose(tf.reshape(x, [-1, 70])), tf.transpose(x, [3, 1, 2, 0]), ...tf.split(x, [30, 40], 3)];
  };
  const [wasm, cpu] = [await on('wasm', run), await on('cpu', run)];
  wasm.forEach((w, k) => assert.deepEqual(w, cpu[k], `output ${k}`));
});
