/**
 * The ONNX graph tools in trainer/onnx/ (kept here beside their first user, the importer):
 * tensors, the graph builder, model files, and the Pad / bias fusions checked with onnxruntime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  GraphBuilder,
  attr,
  countOps,
  decodeModel,
  encodeModel,
  floatTensor,
  fuseConvBias,
  fusePads,
  int32Tensor,
  int64Tensor,
  makeModel,
  readModel,
  readTensor,
  sortTopologically,
  tensorToFloat32,
  tensorToNumbers,
  writeModel,
  type GraphProto,
} from '../../../trainer/onnx/index.js';
import { runOnnx } from './ort-run.js';
import { randomValues } from './tfjs-fixtures.js';

test('tensors survive encode/decode, raw and typed-field forms alike', () => {
  const b = new GraphBuilder('t');
  b.addInitializer('f', floatTensor(Float32Array.of(1.5, -2, 3.25, 0), [2, 2]));
  b.addInitializer('i64', int64Tensor([-1, 0, 2 ** 40]));
  b.addInitializer('i32', int32Tensor([7, -8]));
  b.addInitializer('typed', { dataType: DataType.INT64, dims: [2], int64Data: [5, -6] });
  b.addInitializer('typedf', { dataType: DataType.FLOAT, dims: [1], floatData: [0.5] });
  const x = b.addInput('x', DataType.FLOAT, [2, 2]);
  b.addOutput(b.add1('Add', [x, 'f'], { output: 'y' }), DataType.FLOAT, [2, 2]);
  const model = decodeModel(encodeModel(b.model()));
  const byName = new Map(model.graph!.initializer!.map((t) => [t.name, t]));
  const f = readTensor(byName.get('f')!);
  assert.deepEqual(f.dims, [2, 2]);
  assert.deepEqual(Array.from(f.data as Float32Array), [1.5, -2, 3.25, 0]);
  assert.deepEqual(tensorToNumbers(byName.get('i64')!), [-1, 0, 2 ** 40]);
  assert.deepEqual(tensorToNumbers(byName.get('i32')!), [7, -8]);
  assert.deepEqual(tensorToNumbers(byName.get('typed')!), [5, -6]);
  assert.deepEqual(Array.from(tensorToFloat32(byName.get('typedf')!)), [0.5]);
  assert.throws(() => floatTensor(Float32Array.of(1, 2, 3), [2, 2]), /3 values do not fill dims \[2, 2\]/);
});

test('graph builder names are unique per namespace; node and tensor may share a name', () => {
  const b = new GraphBuilder();
  const x = b.addInput('x', DataType.FLOAT, [1]);
  const r1 = b.add1('Relu', [x], { name: 'act' });
  const r2 = b.add1('Relu', [r1], { name: 'act' });
  assert.deepEqual([r1, r2], ['act', 'act_1']);
  assert.deepEqual(
    b.nodes.map((n) => n.name),
    ['act', 'act_1'],
  );
  const split = b.addNode('Split', [r2], { outputs: 2, attrs: { axis: attr.int(0) } });
  assert.deepEqual(split, ['Split:0', 'Split:1']);
});

/** x -> Pad(0) -> Conv (no bias) -> Add(per-channel) -> Pad(-inf) -> MaxPool; plus a second Conv reading the first Pad. */
function padConvGraph(): GraphProto {
  const b = new GraphBuilder('fuse');
  const x = b.addInput('x', DataType.FLOAT, [1, 2, 6, 6]);
  const padded = b.add1('Pad', [x, b.int64Const('pads', [0, 0, 1, 2, 0, 0, 1, 0])]);
  const w = b.floatConst('w', randomValues(3 * 2 * 9, 11), [3, 2, 3, 3]);
  const conv = b.add1('Conv', [padded, w], { attrs: { kernel_shape: attr.ints([3, 3]) } });
  const biased = b.add1('Add', [conv, b.floatConst('bias', [0.5, -1, 2], [1, 3, 1, 1])]);
  const neg = b.add1('Pad', [biased, b.int64Const('pads2', [0, 0, 1, 1, 0, 0, 1, 1]), b.floatConst('ninf', [-Infinity], [])]);
  const pooled = b.add1('MaxPool', [neg], { attrs: { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]) }, output: 'pooled' });
  b.addOutput(pooled, DataType.FLOAT, [1, 3, 3, 3]);
  const other = b.add1('Conv', [padded, b.floatConst('w2', randomValues(2 * 2, 12), [2, 2, 1, 1])], { output: 'side' });
  b.addOutput(other, DataType.FLOAT, [1, 2, 8, 8]);
  return b.graph();
}

test('Pads fold into Conv / MaxPool and a bias Add into Conv, outputs unchanged', async () => {
  const graph = padConvGraph();
  const before = encodeModel(makeModel(graph));
  assert.equal(fusePads(graph), 2);
  assert.equal(fuseConvBias(graph), 1);
  assert.deepEqual(countOps(graph), { Conv: 2, MaxPool: 1 });
  const after = encodeModel(makeModel(graph));
  const x = { data: randomValues(72, 3, 2), dims: [1, 2, 6, 6] };
  const [a, b] = [await runOnnx(before, { x }), await runOnnx(after, { x })];
  for (const name of ['pooled', 'side']) {
    assert.deepEqual(a[name]!.dims, b[name]!.dims);
    a[name]!.data.forEach((v, i) => assert.ok(Math.abs(v - b[name]!.data[i]!) < 1e-5, `${name}[${i}]`));
  }
});

test('model files round-trip; topological sort repairs node order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'argus-onnx-'));
  try {
    const graph = padConvGraph();
    graph.node = [...graph.node!].reverse();
    sortTopologically(graph);
    const file = join(dir, 'm.onnx');
    await writeModel(file, makeModel(graph, { metadata: { source: 'test' } }));
    const back = await readModel(file);
    assert.deepEqual(
      back.graph!.node!.map((n) => n.opType),
      graph.node!.map((n) => n.opType),
    );
    assert.equal(back.metadataProps![0]!.value, 'test');
    const out = await runOnnx(encodeModel(back), { x: { data: randomValues(72, 4), dims: [1, 2, 6, 6] } });
    assert.deepEqual(out.pooled!.dims, [1, 3, 3, 3]);
    await assert.rejects(readModel(join(dir, 'missing.onnx')), /missing\.onnx: cannot read/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
