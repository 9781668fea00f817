import assert from 'node:assert/strict';
import test from 'node:test';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import { DataType, GraphBuilder, attr, encodeModel, type ModelProto } from '../../../trainer/onnx/index.js';
import { onnxOpset, upgradeToOpset13 } from '../../../trainer/quantize/graph/opset.js';

/** An opset-11 graph using the two meanings that changed by 13: Split's attribute, Softmax's 2-D coercion. */
function opset11Model(): ModelProto {
  const g = new GraphBuilder();
  g.addInput('x', DataType.FLOAT, [1, 4, 3]);
  const [a, b] = g.addNode('Split', ['x'], { outputs: 2, attrs: { axis: attr.int(1), split: attr.ints([1, 3]) } });
  g.addNode('Softmax', [b!], { outputs: ['soft'], attrs: { axis: attr.int(1) } });
  g.addNode('Unsqueeze', [a!], { outputs: ['first'], attrs: { axes: attr.ints([0]) } });
  g.addOutput('soft', DataType.FLOAT, [1, 3, 3]);
  g.addOutput('first', DataType.FLOAT, [1, 1, 1, 3]);
  return g.model({ opset: 11 });
}

async function run(model: ModelProto, x: Float32Array) {
  const s = await OnnxSession.fromBytes(encodeModel(model), 'test model');
  try {
    return await s.run('x', x, [1, 4, 3]);
  } finally {
    await s.close();
  }
}

test('opset 11 → 13: Split and Unsqueeze attributes become inputs, Softmax keeps its 2-D meaning', async () => {
  const x = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 3);
  const before = await run(opset11Model(), x);
  const model = opset11Model();
  assert.equal(upgradeToOpset13(model, 'test.onnx'), 11);
  assert.equal(onnxOpset(model), 13);
  const after = await run(model, x);
  for (let o = 0; o < before.length; o++) {
    assert.deepEqual(after[o]!.dims, before[o]!.dims);
    before[o]!.data.forEach((v, i) => assert.ok(Math.abs(v - after[o]!.data[i]!) < 1e-6, `output ${o} [${i}]`));
  }
  // Softmax-11 at axis 1 normalises over the last 9 values together, not over each column.
  const soft = after[0]!.data;
  assert.ok(Math.abs(soft.reduce((s, v) => s + v, 0) - 1) < 1e-5);
});

test('opset 10 and older is refused with what to do', () => {
  const model = opset11Model();
  model.opsetImport![0]!.version = 9;
  assert.throws(() => upgradeToOpset13(model, 'old.onnx'), /old\.onnx: opset 9 is too old to quantize .*export the model again with opset 13/);
});
