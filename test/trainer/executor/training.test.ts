/**
 * Training through the executor on the WebAssembly backend: which initializers train, a tiny graph
 * overfitting one batch, and BatchNormalization's training mode with its running statistics.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../trainer/backends/index.js';
import { OnnxExecutor } from '../../../trainer/executor/index.js';
import { attr, buildGraph, weight } from './graph-check.js';
import { randomData } from './helpers.js';

before(async () => {
  await selectBackend({ backend: 'wasm' });
});

/** conv -> BatchNormalization -> SiLU -> depthwise conv (stride 2) -> 1x1 conv head. */
function tinyGraph() {
  return buildGraph([4, 3, 12, 12], (g) => {
    const c1 = g.add1('Conv', ['x', weight(g, 'stem.weight', [8, 3, 3, 3], 1, 0.3)], { attrs: { pads: attr.ints([1, 1, 1, 1]) } });
    const bn = g.add1('BatchNormalization', [c1, g.floatConst('bn.weight', new Array(8).fill(1)), g.floatConst('bn.bias', new Array(8).fill(0)), g.floatConst('bn.running_mean', new Array(8).fill(0)), g.floatConst('bn.running_var', new Array(8).fill(1))], {
      attrs: { momentum: attr.float(0.9) },
    });
    const act = g.add1('Mul', [bn, g.add1('Sigmoid', [bn])]);
    const dw = g.add1('Conv', [act, weight(g, 'dw.weight', [8, 1, 3, 3], 2, 0.3), weight(g, 'dw.bias', [8], 3, 0.1)], { attrs: { group: attr.int(8), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) } });
    const head = g.add1('Conv', [dw, weight(g, 'head.weight', [2, 8, 1, 1], 4, 0.3), g.floatConst('head.bias', [0, 0])], { name: 'head' });
    return [[g.add1('Mul', [head, g.floatConst('scale', [2])]), 4]];
  });
}

test('weights train unless frozen by pattern; statistics and other constants never do', () => {
  const ex = new OnnxExecutor(tinyGraph(), { frozen: /^dw\./ });
  try {
    const trainable = [...ex.variables.trainableByName().keys()].sort();
    assert.deepEqual(trainable, ['bn.bias', 'bn.weight', 'head.bias', 'head.weight', 'stem.weight']);
    assert.equal(ex.variables.byName.get('bn.running_mean')?.role, 'statistic');
    assert.equal(ex.variables.byName.get('scale')?.role, 'constant');
    assert.equal(ex.variables.byName.get('dw.weight')?.variable.trainable, false);
  } finally {
    ex.dispose();
  }
  const only = new OnnxExecutor(tinyGraph(), { trainable: (name) => name.startsWith('head.') });
  try {
    assert.deepEqual([...only.variables.trainableByName().keys()].sort(), ['head.bias', 'head.weight']);
  } finally {
    only.dispose();
  }
});

test('a tiny graph overfits one batch: the loss falls more than 10x', (t) => {
  const ex = new OnnxExecutor(tinyGraph());
  const x = tf.tensor(randomData(4 * 3 * 12 * 12, 5), [4, 3, 12, 12]);
  const target = tf.tensor(randomData(4 * 2 * 6 * 6, 6), [4, 2, 6, 6]);
  const opt = tf.train.adam(0.02);
  try {
    const losses: number[] = [];
    for (let step = 0; step < 150; step++) {
      const loss = opt.minimize(() => tf.losses.meanSquaredError(target, ex.run(x, { outputs: ['head'], training: true })['head']!) as tf.Scalar, true, ex.trainableVariables());
      losses.push(loss!.dataSync()[0]!);
      loss!.dispose();
    }
    t.diagnostic(`loss ${losses[0]!.toFixed(4)} -> ${losses[losses.length - 1]!.toFixed(5)}`);
    assert.ok(losses[losses.length - 1]! < losses[0]! / 10, `loss fell from ${losses[0]} to ${losses[losses.length - 1]} only`);
  } finally {
    tf.dispose([x, target]);
    opt.dispose();
    ex.dispose();
  }
});

test('training mode normalises with batch statistics and moves the running ones by momentum', () => {
  const ex = new OnnxExecutor(tinyGraph());
  const x = tf.tensor(randomData(4 * 3 * 12 * 12, 7, 0, 2), [4, 3, 12, 12]);
  try {
    const pre = ex.run(x, { outputs: ['stem.weight'] })['stem.weight']!;
    const conv = tf.conv2d(tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D, tf.transpose(pre, [2, 3, 1, 0]) as tf.Tensor4D, 1, 1);
    const { mean, variance } = tf.moments(conv, [0, 1, 2]);
    const bnOut = ex.run(x, { outputs: [ex.plan.nodes.find((p) => p.node.opType === 'BatchNormalization')!.node.output![0]!], training: true });
    const normed = Object.values(bnOut)[0]!;
    const stats = tf.moments(normed, [0, 2, 3]);
    assert.ok(tf.max(tf.abs(stats.mean)).dataSync()[0]! < 1e-4, 'batch-normalised output has zero mean per channel');
    assert.ok(tf.max(tf.abs(tf.sub(stats.variance, 1))).dataSync()[0]! < 1e-2, 'and unit variance');
    const running = ex.variables.byName.get('bn.running_mean')!.variable;
    const runningVar = ex.variables.byName.get('bn.running_var')!.variable;
    assert.ok(tf.max(tf.abs(tf.sub(running, tf.mul(mean, 0.1)))).dataSync()[0]! < 1e-4, 'running mean = 0.9 * 0 + 0.1 * batch mean');
    assert.ok(tf.max(tf.abs(tf.sub(runningVar, tf.add(0.9, tf.mul(variance, 0.1))))).dataSync()[0]! < 1e-4, 'running var = 0.9 * 1 + 0.1 * batch var');
    const inference = Object.values(ex.run(x, { outputs: Object.keys(bnOut) }))[0]!;
    assert.ok(tf.max(tf.abs(tf.sub(inference, normed))).dataSync()[0]! > 1e-2, 'inference mode uses the running statistics');
  } finally {
    x.dispose();
    ex.dispose();
  }
});
