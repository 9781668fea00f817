/**
 * Each supported op (and its awkward attribute values) on small graphs: the executor on the CPU
 * backend against onnxruntime.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../trainer/backends/index.js';
import { OnnxExecutor } from '../../../trainer/executor/index.js';
import { DataType } from '../../../trainer/onnx/index.js';
import { attr, buildGraph, compareWithOrt, weight } from './graph-check.js';
import { maxAbsDiff, randomData } from './helpers.js';

before(async () => {
  await selectBackend({ backend: 'cpu' });
});

test('Conv: plain with bias, grouped, depthwise (multiplier 1 and 2), strided, asymmetric and auto pads', async () => {
  const model = buildGraph([2, 4, 9, 11], (g) => {
    const plain = g.add1('Conv', ['x', weight(g, 'w1', [6, 4, 3, 3], 1), weight(g, 'b1', [6], 2)], { attrs: { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) } });
    const grouped = g.add1('Conv', [plain, weight(g, 'w2', [4, 3, 3, 3], 3)], { attrs: { group: attr.int(2), strides: attr.ints([2, 2]), pads: attr.ints([0, 1, 1, 0]) } });
    const dw = g.add1('Conv', [grouped, weight(g, 'w3', [4, 1, 3, 3], 4), weight(g, 'b3', [4], 5)], { attrs: { group: attr.int(4), pads: attr.ints([1, 1, 1, 1]) } });
    const dw2 = g.add1('Conv', [dw, weight(g, 'w4', [8, 1, 5, 5], 6)], { attrs: { group: attr.int(4), strides: attr.ints([2, 2]), auto_pad: attr.string('SAME_UPPER') } });
    const pw = g.add1('Conv', [dw2, weight(g, 'w5', [3, 8, 1, 1], 7)], {});
    return [
      [plain, 4],
      [grouped, 4],
      [dw, 4],
      [dw2, 4],
      [pw, 4],
    ];
  });
  await compareWithOrt(model, [2, 4, 9, 11]);
});

test('BatchNormalization (inference), activations and broadcasting arithmetic', async () => {
  const model = buildGraph([2, 3, 5, 6], (g) => {
    const bn = g.add1('BatchNormalization', ['x', weight(g, 's', [3], 1), weight(g, 'b', [3], 2), weight(g, 'm', [3], 3), g.floatConst('v', [0.5, 1.5, 2])], { attrs: { epsilon: attr.float(1e-3) } });
    const sig = g.add1('Sigmoid', [bn]);
    const silu = g.add1('Mul', [bn, sig]);
    const leaky = g.add1('LeakyRelu', [silu], { attrs: { alpha: attr.float(0.2) } });
    const relu = g.add1('Relu', ['x']);
    const add = g.add1('Add', [leaky, weight(g, 'c', [3, 1, 1], 4)]);
    const sub = g.add1('Sub', [g.floatConst('k', [0.25], []), add]);
    const div = g.add1('Div', [sub, g.floatConst('d', [2, 4, 8, 16, 32, 64], [6])]);
    const mul = g.add1('Mul', [div, relu]);
    return [
      [bn, 4],
      [leaky, 4],
      [mul, 4],
    ];
  });
  await compareWithOrt(model, [2, 3, 5, 6]);
});

test('Concat, Split (opset 13 input), Slice with steps, Transpose and channel-shuffle Reshapes', async () => {
  const model = buildGraph([2, 6, 8, 10], (g) => {
    const conv = g.add1('Conv', ['x', weight(g, 'w', [6, 6, 1, 1], 1)]);
    const cat = g.add1('Concat', [conv, 'x'], { attrs: { axis: attr.int(1) } });
    const [a, b] = g.addNode('Split', [cat, g.int64Const('split', [4, 8])], { outputs: 2, attrs: { axis: attr.int(1) } });
    const shuffled = g.add1('Reshape', [b!, g.int64Const('s5', [2, 2, 4, 8, 10])]);
    const swapped = g.add1('Transpose', [shuffled], { attrs: { perm: attr.ints([0, 2, 1, 3, 4]) } });
    const merged = g.add1('Reshape', [swapped, g.int64Const('s4', [0, -1, 8, 10])]);
    const sliced = g.add1('Slice', [merged, g.int64Const('st', [1, 9, 0]), g.int64Const('en', [7, -100, 1000]), g.int64Const('ax', [2, 3, 1]), g.int64Const('sp', [2, -3, 3])]);
    const head = g.add1('Transpose', [a!], { attrs: { perm: attr.ints([0, 2, 3, 1]) } });
    const flat = g.add1('Reshape', [head, g.int64Const('s3', [2, -1, 4])]);
    return [
      [merged, 4],
      [sliced, 4],
      [flat, 3],
    ];
  });
  await compareWithOrt(model, [2, 6, 8, 10]);
});

test('Resize (nearest asymmetric floor, linear half-pixel by sizes), MaxPool (pads, ceil mode), Softmax', async () => {
  const model = buildGraph([1, 3, 7, 9], (g) => {
    const conv = g.add1('Conv', ['x', weight(g, 'w', [4, 3, 3, 3], 1)], { attrs: { pads: attr.ints([1, 1, 1, 1]) } });
    const near = g.add1('Resize', [conv, '', g.floatConst('sc', [1, 1, 2, 2])], { attrs: { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') } });
    const lin = g.add1('Resize', [conv, '', '', g.int64Const('sz', [1, 4, 12, 5])], { attrs: { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('pytorch_half_pixel') } });
    const pool = g.add1('MaxPool', [near], { attrs: { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) } });
    const ceil = g.add1('MaxPool', [conv], { attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) } });
    const spp = g.add1('MaxPool', [conv], { attrs: { kernel_shape: attr.ints([5, 5]), pads: attr.ints([2, 2, 2, 2]) } });
    const soft = g.add1('Softmax', [lin], { attrs: { axis: attr.int(1) } });
    return [
      [near, 4],
      [lin, 4],
      [pool, 4],
      [ceil, 4],
      [spp, 4],
      [soft, 4],
    ];
  });
  await compareWithOrt(model, [1, 3, 7, 9]);
});

test('Softmax before opset 13 normalises the flattened trailing axes', async () => {
  const model = buildGraph(
    [2, 3, 4, 5],
    (g) => {
      const t = g.add1('Transpose', ['x'], { attrs: { perm: attr.ints([0, 2, 3, 1]) } });
      return [[g.add1('Softmax', [t], { attrs: { axis: attr.int(2) } }), 4]];
    },
    11,
  );
  await compareWithOrt(model, [2, 3, 4, 5]);
});

test('Shape/Gather/Unsqueeze/Concat/Cast chains and Constant nodes fold into a Resize size', async () => {
  const model = buildGraph(
    [1, 2, 6, 8],
    (g) => {
      const big = g.add1('Conv', ['x', weight(g, 'w', [2, 2, 1, 1], 1)]);
      const small = g.add1('MaxPool', ['x'], { attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } });
      const shape = g.add1('Shape', [big]);
      const hIdx = g.add1('Constant', [], { attrs: { value: attr.tensor({ dataType: DataType.INT64, dims: [], int64Data: [2] }) } });
      const h = g.add1('Gather', [shape, hIdx], { attrs: { axis: attr.int(0) } });
      const w = g.add1('Gather', [g.add1('Shape', [big]), g.int64Const('three', [3], [])], { attrs: { axis: attr.int(0) } });
      const hw = g.add1('Concat', [g.add1('Unsqueeze', [h], { attrs: { axes: attr.ints([0]) } }), g.add1('Unsqueeze', [w], { attrs: { axes: attr.ints([0]) } })], { attrs: { axis: attr.int(0) } });
      const nc = g.add1('Slice', [g.add1('Shape', [small]), g.int64Const('z', [0]), g.int64Const('two', [2]), g.int64Const('a0', [0])]);
      const sizes = g.add1('Concat', [nc, g.add1('Cast', [hw], { attrs: { to: attr.int(DataType.INT64) } })], { attrs: { axis: attr.int(0) } });
      const empty = g.floatConst('empty', [], [0]);
      const up = g.add1('Resize', [small, empty, empty, sizes], { attrs: { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('half_pixel') } });
      return [[g.add1('Add', [big, up]), 4]];
    },
    12,
  );
  await compareWithOrt(model, [1, 2, 6, 8]);
});

test('NHWC feeds give the NCHW results, and intermediate tensors come back in the ONNX layout', () => {
  const model = buildGraph([2, 3, 6, 7], (g) => {
    const conv = g.add1('Conv', ['x', weight(g, 'w', [4, 3, 3, 3], 1)], { name: 'conv', attrs: { pads: attr.ints([1, 1, 1, 1]) } });
    return [[g.add1('Sigmoid', [conv]), 4]];
  });
  const ex = new OnnxExecutor(model);
  try {
    const nchw = tf.tensor(randomData(2 * 3 * 6 * 7, 3), [2, 3, 6, 7]);
    const a = ex.run(nchw, { outputs: ['conv', ex.outputNames[0]!] });
    const b = ex.run(tf.transpose(nchw, [0, 2, 3, 1]), { outputs: ['conv', ex.outputNames[0]!], inputLayout: 'NHWC' });
    assert.deepEqual(a['conv']!.shape, [2, 4, 6, 7]);
    for (const name of Object.keys(a)) assert.ok(maxAbsDiff(a[name]!.dataSync(), b[name]!.dataSync()) < 1e-6, name);
  } finally {
    ex.dispose();
  }
});

test('a YOLOv8-style decode tail: DFL softmax over a transposed reshape, anchor arithmetic, concat', async () => {
  const anchors = 8 * 10;
  const model = buildGraph(
    [1, 64 + 80, 8, 10],
    (g) => {
      const flat = g.add1('Reshape', ['x', g.int64Const('flat', [1, 144, -1])]);
      const [box, cls] = g.addNode('Split', [flat, g.int64Const('split', [64, 80])], { outputs: 2, attrs: { axis: attr.int(1) } });
      const bins = g.add1('Transpose', [g.add1('Reshape', [box!, g.int64Const('s4', [1, 4, 16, anchors])])], { attrs: { perm: attr.ints([0, 2, 1, 3]) } });
      const dfl = g.add1('Conv', [g.add1('Softmax', [bins], { attrs: { axis: attr.int(1) } }), g.floatConst('proj', [...Array(16).keys()], [1, 16, 1, 1])]);
      const dist = g.add1('Reshape', [dfl, g.int64Const('s3', [1, 4, anchors])]);
      const lt = g.add1('Slice', [dist, g.int64Const('b0', [0]), g.int64Const('e0', [2]), g.int64Const('a0', [1])]);
      const rb = g.add1('Slice', [dist, g.int64Const('b1', [2]), g.int64Const('e1', [4]), g.int64Const('a1', [1])]);
      const grid = g.floatConst('grid', randomData(2 * anchors, 4, 0, 10), [1, 2, anchors]);
      const x1y1 = g.add1('Sub', [grid, lt]);
      const x2y2 = g.add1('Add', [grid, rb]);
      const cxcy = g.add1('Div', [g.add1('Add', [x1y1, x2y2]), g.floatConst('two', [2], [])]);
      const wh = g.add1('Sub', [x2y2, x1y1]);
      const boxes = g.add1('Mul', [g.add1('Concat', [cxcy, wh], { attrs: { axis: attr.int(1) } }), g.floatConst('stride', randomData(anchors, 5, 8, 32), [1, anchors])]);
      return [[g.add1('Concat', [boxes, g.add1('Sigmoid', [cls!])], { attrs: { axis: attr.int(1) } }), 3]];
    },
    17,
  );
  await compareWithOrt(model, [1, 144, 8, 10], 1, 1e-3);
});
