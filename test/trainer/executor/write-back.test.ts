/**
 * Trained variables go back into the ONNX graph under the same names, and the written file runs
 * in onnxruntime with the executor's results.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../trainer/backends/index.js';
import { OnnxExecutor } from '../../../trainer/executor/index.js';
import { readModel, tensorToFloat32 } from '../../../trainer/onnx/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { attr, buildGraph, weight } from './graph-check.js';
import { imageData, maxAbsDiff, randomData, runOrt, runOrtFile, withTempDir } from './helpers.js';

before(async () => {
  await selectBackend({ backend: 'wasm' });
});

/** A few SGD steps on the graph's outputs, so every trainable variable moves. */
function train(ex: OnnxExecutor, x: tf.Tensor, steps: number, lr: number): void {
  const opt = tf.train.sgd(lr);
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.addN(Object.values(ex.run(x, { training: true })).map((o) => tf.mean(tf.square(o)))) as tf.Scalar, false, ex.trainableVariables());
  }
  opt.dispose();
}

test('trained weights and running statistics are written back under their names and match onnxruntime', async () => {
  const dims = [2, 3, 10, 10];
  const model = buildGraph(dims, (g) => {
    const conv = g.add1('Conv', ['x', weight(g, 'conv.weight', [6, 3, 3, 3], 1)], { attrs: { pads: attr.ints([1, 1, 1, 1]) } });
    const bn = g.add1('BatchNormalization', [conv, weight(g, 'bn.weight', [6], 3), weight(g, 'bn.bias', [6], 4), g.floatConst('bn.mean', new Array(6).fill(0)), g.floatConst('bn.var', new Array(6).fill(1))]);
    const dw = g.add1('Conv', [g.add1('Relu', [bn]), weight(g, 'dw.weight', [12, 1, 3, 3], 5), weight(g, 'dw.bias', [12], 2)], { attrs: { group: attr.int(6), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) } });
    return [[dw, 4]];
  });
  const data = randomData(2 * 3 * 10 * 10, 9);
  const ex = new OnnxExecutor(model);
  try {
    const x = tf.tensor(data, dims);
    train(ex, x, 3, 0.05);
    const exported = ex.exportModel();
    const before = new Map(model.graph!.initializer!.map((t) => [t.name!, tensorToFloat32(t)]));
    const after = new Map(exported.graph!.initializer!.map((t) => [t.name!, t]));
    assert.deepEqual([...after.keys()], [...before.keys()], 'same initializers, same order');
    for (const name of ['conv.weight', 'bn.weight', 'bn.bias', 'bn.mean', 'bn.var', 'dw.weight', 'dw.bias']) {
      const t = after.get(name)!;
      assert.deepEqual(t.dims, model.graph!.initializer!.find((i) => i.name === name)!.dims, `${name} keeps its ONNX dims`);
      assert.ok(maxAbsDiff(tensorToFloat32(t), before.get(name)!) > 1e-6, `${name} changed`);
    }
    const [ref] = await runOrt(exported, data, dims);
    const ours = ex.run(x)[model.graph!.output![0]!.name!]!;
    assert.ok(maxAbsDiff(ours.dataSync(), ref!.data) < 1e-4);
    tf.dispose([x, ours]);
  } finally {
    ex.dispose();
  }
});

test('nanodet_m_320 after a training step: the saved file runs in onnxruntime with the same outputs', async (t) => {
  const file = sharedPath(t, 'models', 'nanodet_m_320.onnx');
  const image = sharedPath(t, 'data', 'coco128', 'images', 'val2017', '000000000285.jpg');
  if (!file || !image) return;
  const data = await imageData(image, 320, { color: 'BGR', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] });
  const dims = [1, 3, 320, 320];
  const ex = new OnnxExecutor(await readModel(file));
  try {
    const x = tf.tensor(data, dims);
    const [original] = await runOrtFile(file, data, dims);
    train(ex, x, 1, 0.01);
    await withTempDir(async (dir) => {
      const saved = join(dir, 'trained.onnx');
      await ex.save(saved);
      const ref = await runOrtFile(saved, data, dims);
      const ours = ex.run(x);
      ex.outputNames.forEach((name, i) => assert.ok(maxAbsDiff(ours[name]!.dataSync(), ref[i]!.data) < 1e-3, `${name} differs from onnxruntime`));
      assert.ok(maxAbsDiff(ref[0]!.data, original!.data) > 1e-4, 'the step changed the model');
      tf.dispose(ours);
    });
    x.dispose();
  } finally {
    ex.dispose();
  }
});
