/**
 * Graphs the executor cannot run fail when compiled, naming every op and node; bad feeds name the
 * input; outputs never alias what the caller or the executor still holds.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../trainer/backends/index.js';
import { GraphError, isUnsupportedOpsError, OnnxExecutor, UnsupportedOpsError } from '../../../trainer/executor/index.js';
import { attr, buildGraph, weight } from './graph-check.js';

before(async () => {
  await selectBackend({ backend: 'cpu' });
});

test('every unsupported node is listed, with its op, name and reason, before anything runs', () => {
  const model = buildGraph([1, 2, 8, 8], (g) => {
    const erf = g.add1('Erf', ['x'], { name: 'my_erf' });
    const dilated = g.add1('Conv', [erf, weight(g, 'w', [2, 2, 3, 3], 1)], { name: 'dilated_conv', attrs: { dilations: attr.ints([2, 2]) } });
    const cubic = g.add1('Resize', [dilated, '', g.floatConst('sc', [1, 1, 2, 2])], { name: 'cubic_up', attrs: { mode: attr.string('cubic') } });
    const shapeFromValues = g.add1('Cast', [g.add1('ReduceMax', ['x'], { attrs: { keepdims: attr.int(0) } })], { attrs: { to: attr.int(7) } });
    const reshaped = g.add1('Reshape', [cubic, shapeFromValues], { name: 'data_shaped' });
    return [[reshaped, 4]];
  });
  assert.throws(
    () => new OnnxExecutor(model),
    (e: unknown) => {
      assert.ok(isUnsupportedOpsError(e));
      const byNode = new Map((e as UnsupportedOpsError).nodes.map((n) => [n.node, n]));
      assert.equal(byNode.get('my_erf')?.op, 'Erf');
      assert.match(byNode.get('my_erf')!.reason, /no implementation/);
      assert.match(byNode.get('dilated_conv')!.reason, /dilations \[2, 2\]/);
      assert.match(byNode.get('cubic_up')!.reason, /mode 'cubic'/);
      assert.equal(byNode.get('ReduceMax')?.op, 'ReduceMax');
      assert.match(byNode.get('data_shaped')!.reason, /input 1 must be a constant or computed from shapes/);
      assert.match((e as Error).message, /cannot run 5 node\(s\)/);
      return true;
    },
  );
});

test('ops of other domains are refused by name', () => {
  const model = buildGraph([1, 2, 4, 4], (g) => [[g.add1('FusedConv', ['x'], { name: 'ms_fused', domain: 'com.microsoft' }), 4]]);
  assert.throws(() => new OnnxExecutor(model), /FusedConv in node 'ms_fused': domain 'com.microsoft' is not supported/);
});

test('a missing feed, a wrong channel count and an unknown output name say which', () => {
  const model = buildGraph([1, 2, 4, 4], (g) => [[g.add1('Relu', ['x'], { name: 'act' }), 4]]);
  const ex = new OnnxExecutor(model);
  try {
    assert.throws(() => ex.run({ y: tf.zeros([1, 2, 4, 4]) }), (e: unknown) => e instanceof GraphError && /input 'x' is missing/.test((e as Error).message));
    assert.throws(() => ex.run(tf.zeros([1, 3, 4, 4])), /input 'x' has 3 channels \(NCHW\), the graph expects 2/);
    assert.throws(() => ex.run(tf.zeros([1, 2, 4, 4]), { outputs: ['nope'] }), /no tensor named 'nope'/);
  } finally {
    ex.dispose();
  }
});

test('a shape error while running names the node', () => {
  const model = buildGraph([1, 2, 4, 4], (g) => [[g.add1('Reshape', ['x', g.int64Const('s', [1, 3, -1])], { name: 'bad_reshape' }), 3]]);
  const ex = new OnnxExecutor(model);
  try {
    assert.throws(() => ex.run(tf.zeros([1, 2, 4, 4])), /node 'bad_reshape' \(Reshape\): cannot reshape \[1, 2, 4, 4\] to \[1, 3, -1\]/);
  } finally {
    ex.dispose();
  }
});

test('outputs are the caller\'s to dispose: asking for the graph input or a weight returns a clone, not the feed or the variable', () => {
  const model = buildGraph([1, 2, 4, 4], (g) => [[g.add1('Conv', ['x', weight(g, 'w', [3, 2, 1, 1], 1)]), 4]]);
  const ex = new OnnxExecutor(model);
  const x = tf.ones([1, 2, 4, 4]);
  try {
    const first = ex.run(x);
    const probe = ex.run(x, { outputs: ['x', 'w'] });
    tf.dispose(Object.values(probe));
    assert.equal(x.isDisposed, false, 'the feed survives its outputs being disposed');
    const again = ex.run(x);
    assert.deepEqual(Array.from(again[ex.outputNames[0]!]!.dataSync()), Array.from(first[ex.outputNames[0]!]!.dataSync()), 'the weight survives too');
    tf.dispose([...Object.values(first), ...Object.values(again)]);
  } finally {
    x.dispose();
    ex.dispose();
  }
});
