/**
 * The gradients of a whole training step (executor forward, loss, backprop) on WebAssembly equal
 * those on the CPU backend: a small graph using every kind of op the detectors train through
 * (BatchNormalization in training mode, grouped and depthwise strided convs, SiLU, pooling,
 * resizing, slicing, head reshapes, softmax), and yolox_nano itself at a small input size.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { OnnxExecutor } from '../../../trainer/executor/index.js';
import { readModel, type ModelProto } from '../../../trainer/onnx/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { attr, buildGraph, weight } from '../executor/graph-check.js';
import { randomData, relError } from '../executor/helpers.js';
import { use } from './backend-compare.js';

function smallGraph(): ModelProto {
  return buildGraph([2, 3, 16, 16], (g) => {
    // No bias before a training-mode BatchNormalization: it would have a zero gradient.
    const c1 = g.add1('Conv', ['x', weight(g, 'c1.w', [8, 3, 3, 3], 1)], { attrs: { strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) } });
    const bn = g.add1('BatchNormalization', [c1, weight(g, 'bn.scale', [8], 3), weight(g, 'bn.bias', [8], 4), weight(g, 'bn.mean', [8], 5), g.floatConst('bn.var', new Array(8).fill(1))]);
    const silu = g.add1('Mul', [bn, g.add1('Sigmoid', [bn])]);
    const dw = g.add1('Conv', [silu, weight(g, 'dw.w', [8, 1, 3, 3], 6)], { attrs: { group: attr.int(8), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) } });
    const grouped = g.add1('Conv', [dw, weight(g, 'gc.w', [8, 4, 1, 1], 7), weight(g, 'gc.b', [8], 8)], { attrs: { group: attr.int(2) } });
    const act = g.add1('LeakyRelu', [grouped], { attrs: { alpha: attr.float(0.1) } });
    const pool = g.add1('MaxPool', [act], { attrs: { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) } });
    const up = g.add1('Resize', [pool, '', g.floatConst('sc', [1, 1, 2, 2])], { attrs: { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') } });
    const cat = g.add1('Concat', [up, silu], { attrs: { axis: attr.int(1) } });
    const [a, b] = g.addNode('Split', [cat, g.int64Const('split', [6, 10])], { outputs: 2, attrs: { axis: attr.int(1) } });
    const sub = g.add1('Slice', [b!, g.int64Const('st', [0, 1]), g.int64Const('en', [8, 8]), g.int64Const('ax', [2, 3]), g.int64Const('sp', [2, 2])]);
    const head = g.add1('Conv', [a!, weight(g, 'head.w', [5, 6, 1, 1], 9)]);
    const flat = g.add1('Transpose', [g.add1('Reshape', [head, g.int64Const('s', [0, 5, -1])])], { attrs: { perm: attr.ints([0, 2, 1]) } });
    const soft = g.add1('Softmax', [flat], { attrs: { axis: attr.int(2) } });
    return [
      [soft, 3],
      [sub, 4],
    ];
  });
}

/** One training step on `backend`: gradients of every trainable variable, by initializer name. */
async function stepGradients(backend: 'wasm' | 'cpu', model: ModelProto, input: Float32Array, dims: number[], outputs: string[]): Promise<Map<string, Float32Array>> {
  await use(backend);
  const ex = new OnnxExecutor(model);
  try {
    const x = tf.tensor(input, dims);
    const { value, grads } = tf.variableGrads(() => {
      const out = ex.run(x, { outputs, training: true });
      // A loss that weighs every output element differently, so no gradient is trivially uniform.
      const terms = outputs.map((name) => {
        const t = out[name]!;
        return tf.mean(tf.mul(t, tf.tensor(randomData(t.size, 99), t.shape)));
      });
      return tf.addN(terms) as tf.Scalar;
    }, ex.trainableVariables());
    const byVariable = new Map([...ex.variables.trainableByName()].map(([name, v]) => [v.name, name]));
    const result = new Map(Object.entries(grads).map(([vname, g]) => [byVariable.get(vname)!, Float32Array.from(g.dataSync() as Float32Array)]));
    tf.dispose([value, x, ...Object.values(grads)]);
    return result;
  } finally {
    ex.dispose();
  }
}

async function compareStep(t: TestContext, model: ModelProto, dims: number[], outputs: string[]): Promise<void> {
  const input = randomData(
    dims.reduce((a, b) => a * b, 1),
    3,
    0,
    1,
  );
  const wasm = await stepGradients('wasm', model, input, dims, outputs);
  const cpu = await stepGradients('cpu', model, input, dims, outputs);
  assert.equal(wasm.size, cpu.size);
  let worst = 0;
  for (const [name, g] of cpu) {
    const e = relError(wasm.get(name)!, g);
    worst = Math.max(worst, e);
    assert.ok(e < 1e-3, `gradient of ${name}: relative error ${e}`);
  }
  t.diagnostic(`${cpu.size} gradients, worst relative error ${worst.toExponential(2)}`);
}

test('a small graph: training-step gradients on wasm equal the CPU backend', async (t) => {
  const model = smallGraph();
  await compareStep(t, model, [2, 3, 16, 16], model.graph!.output!.map((o) => o.name!));
});

test('yolox_nano at 64x64, batch 2: training-step gradients on wasm equal the CPU backend', async (t) => {
  const file = sharedPath(t, 'models', 'yolox_nano.onnx');
  if (!file) return;
  await compareStep(t, await readModel(file), [2, 3, 64, 64], ['output']);
});
