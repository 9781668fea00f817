import assert from 'node:assert/strict';
import test from 'node:test';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import { DataType, GraphBuilder, attr, encodeModel, type ModelProto } from '../../../trainer/onnx/index.js';
import { tensorTypes } from '../../../trainer/quantize/graph/dtypes.js';
import { equalizableChains, equalizeChain } from '../../../trainer/quantize/graph/equalize.js';
import { planQuantization } from '../../../trainer/quantize/graph/plan.js';
import { findDecodeTail } from '../../../trainer/quantize/graph/tail.js';
import { QUANTIZE_DEFAULTS } from '../../../trainer/quantize/options.js';

const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * (1 + (i % 3)));

/**
 * x → Conv a (4 ch) → LeakyRelu → MaxPool → Conv b (depthwise) and Conv c (1x1) → Concat → Conv head (2 ch)
 * → Sigmoid: a small graph with each kind of node the planner treats differently.
 */
function smallDetector(): ModelProto {
  const g = new GraphBuilder();
  g.addInput('x', DataType.FLOAT, [1, 3, 8, 8]);
  const conv = (input: string, out: number, inPerGroup: number, k: number, seed: number, group = 1, name?: string) =>
    g.add1('Conv', [input, g.floatConst('w', values(out * inPerGroup * k * k, seed), [out, inPerGroup, k, k]), g.floatConst('b', values(out, seed + 1), [out])], {
      attrs: { group: attr.int(group), pads: attr.ints(Array(4).fill((k - 1) / 2)) },
      ...(name ? { name } : {}),
    });
  const a = conv('x', 4, 3, 3, 1);
  const act = g.add1('LeakyRelu', [a], { attrs: { alpha: attr.float(0.1) } });
  const pool = g.add1('MaxPool', [act], { attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } });
  const b = conv(pool, 4, 1, 3, 2, 4);
  const c = conv(pool, 4, 4, 1, 3);
  const cat = g.add1('Concat', [b, c], { attrs: { axis: attr.int(1) } });
  const head = conv(cat, 2, 8, 1, 4, 1, 'head');
  g.add1('Sigmoid', [head], { output: 'scores' });
  g.addOutput('scores', DataType.FLOAT, [1, 2, 4, 4]);
  return g.model({ opset: 13 });
}

async function run(model: ModelProto, x: Float32Array): Promise<Float32Array> {
  const s = await OnnxSession.fromBytes(encodeModel(model), 'test model');
  try {
    return (await s.run('x', x, [1, 3, 8, 8]))[0]!.data;
  } finally {
    await s.close();
  }
}

test('cross-layer equalization rescales channels through LeakyRelu and MaxPool without changing the outputs', async () => {
  const model = smallDetector();
  const x = Float32Array.from(values(3 * 64, 9));
  const before = await run(model, x);
  const chains = equalizableChains(model.graph!);
  // Conv a reaches Convs b and c through LeakyRelu and MaxPool; b and c reach a Concat: not a chain.
  assert.equal(chains.length, 1);
  assert.equal(chains[0]!.consumers.length, 2);
  equalizeChain(model.graph!, chains[0]!, Float32Array.from([0.5, 2, 8, 0.125]));
  const after = await run(model, x);
  before.forEach((v, i) => assert.ok(Math.abs(v - after[i]!) < 1e-5, `output ${i}: ${v} vs ${after[i]}`));
});

test('plan: the decode tail stays float, pass-through outputs and Concat inputs share one scale', () => {
  const graph = smallDetector().graph!;
  const tail = findDecodeTail(graph, [2]);
  assert.equal(tail.rule, 'family hint');
  assert.deepEqual(tail.headConvs.map((n) => n.name), ['head']);
  const plan = planQuantization(graph, { ops: new Set(QUANTIZE_DEFAULTS.ops), tail, stem: new Set(), exclude: ['nothing*'], types: tensorTypes(graph) });
  const byOp = (op: string) => graph.node!.filter((n) => n.opType === op);
  assert.ok(byOp('Conv').every((n) => plan.int8.has(n)));
  assert.equal(plan.float.get(byOp('Sigmoid')[0]!), 'decode tail');
  const pool = byOp('MaxPool')[0]!;
  assert.equal(plan.root.get(pool.output![0]!), plan.root.get(pool.input![0]!), 'MaxPool keeps its input scale');
  assert.ok(!plan.calibrate.includes(pool.output![0]!), 'a pass-through output needs no calibration of its own');
  const cat = byOp('Concat')[0]!;
  assert.ok(cat.input!.every((i) => plan.root.get(i) === plan.root.get(cat.output![0]!)), 'Concat and its inputs share a scale');
  assert.deepEqual(plan.unmatchedExcludes, ['nothing*']);
});
