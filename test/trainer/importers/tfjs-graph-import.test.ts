/**
 * Unit tests of the TF.js graph importer on small synthetic graphs: weight decoding, errors,
 * layout handling, and numerical parity with TF.js (CPU backend) for the ops detectors use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFloat16, decodeWeights, importTfjsGraphModel, UnsupportedOpError, ImportError } from '../../../trainer/importers/index.js';
import { decodeModel, toNumber } from '../../../trainer/onnx/index.js';
import { A, GraphFixture, randomValues, toFloat16Bits } from './tfjs-fixtures.js';
import { runOnnx } from './ort-run.js';
import { loadGraphModelFromDisk, maxAbsDiff, runGraphModel, useBackend } from './tfjs-runtime.js';

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-tfjs-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('float16 weights decode exactly', () => {
  const bits = Uint16Array.of(0x0000, 0x8000, 0x3c00, 0xc000, 0x3555, 0x7bff, 0x0400, 0x0001, 0x7c00, 0xfc00, 0x7e00);
  const v = decodeFloat16(new Uint8Array(bits.buffer));
  assert.deepEqual(Array.from(v.subarray(0, 10)), [0, -0, 1, -2, 0.333251953125, 65504, 2 ** -14, 2 ** -24, Infinity, -Infinity]);
  assert.ok(Number.isNaN(v[10]));
  for (const x of [0.1, -3.75, 3e-4, 1000.5]) {
    const back = decodeFloat16(new Uint8Array(Uint16Array.of(toFloat16Bits(x)).buffer))[0]!;
    assert.ok(Math.abs(back - x) <= Math.abs(x) * 2 ** -11, `${x} -> ${back}`);
  }
});

test('quantized weights decode as TF.js does (float16, uint8/uint16 affine, int32 rounding)', () => {
  const f16 = Uint16Array.of(0x3c00, 0xb800); // 1, -0.5
  const u16 = Uint16Array.of(0, 1000);
  const data = new Uint8Array([...new Uint8Array(f16.buffer), 0, 128, 255, ...new Uint8Array(u16.buffer), 3, 4]);
  const { weights } = decodeWeights(
    [
      { name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'u8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'u16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.01, min: 2 } },
      { name: 'i', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: 0.2 } },
    ],
    data,
    'mem',
  );
  assert.deepEqual(Array.from(weights.get('h')!.data), [1, -0.5]);
  assert.deepEqual(Array.from(weights.get('u8')!.data), [-1, 63, 126.5]);
  assert.deepEqual(Array.from(weights.get('u16')!.data), [2, Math.fround(12)]);
  assert.deepEqual(Array.from(weights.get('i')!.data), [2, 2]); // round(1.7), round(2.2)
  assert.throws(() => decodeWeights([{ name: 'w', shape: [4], dtype: 'float32' }], new Uint8Array(8), 'x.json'), /weight 'w'.*needs bytes/);
});

test('an unknown op is an error naming the op and the node', async () => {
  await withTempDir(async (dir) => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 3, 8, 8]);
    g.op('my/strange_node', 'FancyWarp', [x]);
    const file = await g.write(dir, ['my/strange_node']);
    await assert.rejects(importTfjsGraphModel(file), (err: unknown) => {
      assert.ok(err instanceof UnsupportedOpError);
      assert.equal(err.op, 'FancyWarp');
      assert.equal(err.node, 'my/strange_node');
      assert.match(err.message, /unsupported op 'FancyWarp' in node 'my\/strange_node'/);
      assert.match(err.message, /model\.json/);
      return true;
    });
  });
});

test('a shape op on a computed tensor folds; a constant-only op on one is a clear error', async () => {
  await withTempDir(async (dir) => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 3, 8, 8]);
    g.op('gather', 'GatherV2', [x, g.ints('idx', [0]), g.ints('ax', [0], [])]);
    const file = await g.write(dir, ['gather']);
    await assert.rejects(importTfjsGraphModel(file), (err: unknown) => err instanceof UnsupportedOpError && err.node === 'gather' && /only on constant inputs/.test(err.message));
  });
});

test('a missing weight shard names the file', async () => {
  await withTempDir(async (dir) => {
    const g = new GraphFixture();
    g.op('r', 'Relu', [g.placeholder('x', [1, 3, 4, 4])]);
    const file = await g.write(dir, ['r']);
    await rm(join(dir, 'weights.bin'));
    await assert.rejects(importTfjsGraphModel(file), (err: unknown) => err instanceof ImportError && /weight shard 'weights\.bin'/.test(err.message));
  });
});

test('a transpose pair cancels: no Transpose left, NCHW input kept', async () => {
  await withTempDir(async (dir) => {
    const g = new GraphFixture();
    const x = g.placeholder('input', [1, 3, 8, 8]);
    const t1 = g.op('to_nhwc', 'Transpose', [x, g.ints('p1', [0, 2, 3, 1])]);
    const t2 = g.op('to_nchw', 'Transpose', [t1, g.ints('p2', [0, 3, 1, 2])]);
    g.op('out', 'Relu', [t2]);
    const file = await g.write(dir, ['out']);
    const res = await importTfjsGraphModel(file);
    assert.deepEqual(res.opCounts, { Relu: 1 });
    assert.deepEqual(res.inputs, [{ name: 'images', shape: [1, 3, 8, 8] }]);
    assert.deepEqual(res.outputs, [{ name: 'out', shape: [1, 3, 8, 8], source: 'out' }]);
    const data = randomValues(3 * 64, 7);
    const out = await runOnnx(res.onnx, { images: { data, dims: [1, 3, 8, 8] } });
    assert.deepEqual(Array.from(out.out!.data), Array.from(data, (v) => Math.max(v, 0)));
  });
});

test('NHWC graph: the layout change sits at the input, convs run NCHW without transposes, outputs match TF.js', async () => {
  await useBackend('cpu');
  await withTempDir(async (dir) => {
    const g = new GraphFixture();
    const x = g.placeholder('image', [1, 16, 16, 3]);
    const c1 = g.op('c1', '_FusedConv2D', [x, g.const('w1', [3, 3, 3, 8], randomValues(216, 1, 0.5), 'float32', 'float16'), g.const('b1', [8], randomValues(8, 2, 0.2))], {
      fused_ops: A.strings(['BiasAdd', 'LeakyRelu']),
      num_args: A.i(1),
      leakyrelu_alpha: A.f(0.15),
      strides: A.ints([1, 2, 2, 1]),
      padding: A.s('SAME'),
      data_format: A.s('NHWC'),
      dilations: A.ints([1, 1, 1, 1]),
    });
    const d1 = g.op('d1', 'FusedDepthwiseConv2dNative', [c1, g.const('dw', [3, 3, 8, 2], randomValues(144, 3, 0.5)), g.const('db', [16], randomValues(16, 4, 0.2))], {
      // TF.js maps no leakyrelu_alpha for fused depthwise convs (it would compute NaN), so Relu6 here
      fused_ops: A.strings(['BiasAdd', 'Relu6']),
      num_args: A.i(1),
      strides: A.ints([1, 1, 1, 1]),
      padding: A.s('SAME'),
      data_format: A.s('NHWC'),
      dilations: A.ints([1, 1, 1, 1]),
    });
    const c2 = g.op('c2', 'Conv2D', [d1, g.const('w2', [1, 1, 16, 8], randomValues(128, 5, 0.5), 'float32', 'uint8')], { strides: A.ints([1, 1, 1, 1]), padding: A.s('VALID'), data_format: A.s('NHWC'), dilations: A.ints([1, 1, 1, 1]) });
    const a2 = g.op('a2', 'BiasAdd', [c2, g.const('b2', [8], randomValues(8, 6, 0.2))], { data_format: A.s('NHWC') });
    const pool = { ksize: A.ints([1, 3, 3, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.s('SAME'), data_format: A.s('NHWC') };
    const mp = g.op('mp', 'MaxPool', [a2], pool);
    const ap = g.op('ap', 'AvgPool', [a2], pool);
    const size = g.ints('size', [8, 8]);
    const up = g.op('up', 'ResizeNearestNeighbor', [mp, size], { half_pixel_centers: A.b(true), align_corners: A.b(false) });
    const ub = g.op('ub', 'ResizeBilinear', [ap, size], { align_corners: A.b(true), half_pixel_centers: A.b(false) });
    const u3 = g.op('u3', 'ResizeBilinear', [ap, g.ints('size12', [12, 12])], { half_pixel_centers: A.b(true) });
    const cat = g.op('cat', 'ConcatV2', [up, ub, a2, g.ints('axis', [-1], [])], { N: A.i(3) });
    const sig = g.op('sig', 'Sigmoid', [cat]);
    const swish = g.op('swish', 'Mul', [cat, sig]);
    const padded = g.op('pad', 'Pad', [swish, g.ints('paddings', [0, 0, 1, 1, 1, 1, 0, 0], [4, 2])]);
    const c3 = g.op('c3', 'Conv2D', [padded, g.const('w3', [3, 3, 24, 6], randomValues(1296, 8, 0.3))], { strides: A.ints([1, 1, 1, 1]), padding: A.s('VALID'), data_format: A.s('NHWC'), dilations: A.ints([1, 1, 1, 1]) });
    // a shape subgraph, as converters emit it: reshape to [batch, -1, 6]
    const shape = g.op('shape', 'Shape', [c3], { out_type: A.type('DT_INT32') });
    const batch = g.op('batch', 'StridedSlice', [shape, g.ints('b0', [0]), g.ints('e0', [1]), g.ints('s0', [1])], { shrink_axis_mask: A.i(1) });
    const target = g.op('target', 'Pack', [batch, g.ints('m1', [-1], []), g.ints('six', [6], [])], { N: A.i(3), axis: A.i(0) });
    g.op('head', 'Reshape', [c3, target]);
    const mean = g.op('mean', 'Mean', [swish, g.ints('axes', [1, 2])], { keep_dims: A.b(true) });
    g.op('pooled', 'Squeeze', [mean], { squeeze_dims: A.ints([1, 2]) });
    g.op('resized', 'Identity', [u3]);
    // axis bookkeeping on a tensor stored NCHW while TF sees NHWC
    const ed = g.op('ed', 'ExpandDims', [a2, g.ints('ax1', [1], [])]);
    const sq = g.op('sq', 'Squeeze', [ed], { squeeze_dims: A.ints([1]) });
    const sl = g.op('sl', 'StridedSlice', [sq, g.ints('sb', [0, 1, 0, 2]), g.ints('se', [1, 7, 8, 8]), g.ints('ss', [1, 2, 1, 3])], { begin_mask: A.i(1) });
    const parts = g.op('parts', 'SplitV', [sl, g.ints('sizes', [1, -1]), g.ints('sax', [3], [])], { num_split: A.i(2) });
    g.op('sliced', 'Sub', [`${parts}:1`, parts]);
    g.op('window', 'Slice', [a2, g.ints('wb', [0, 0, 2, 1]), g.ints('ws', [-1, 4, -1, 3])]);
    const outs = ['head', 'pooled', 'resized', 'sliced', 'window'];
    const file = await g.write(dir, outs);

    const res = await importTfjsGraphModel(file, { outputNames: ['boxes', 'pooled', 'resized', 'sliced', 'window'] });
    assert.deepEqual(res.inputs, [{ name: 'images', shape: [1, 3, 16, 16] }]);
    assert.deepEqual(
      res.outputs.map((o) => [o.name, o.shape]),
      [
        ['boxes', [1, 64, 6]],
        ['pooled', [1, 24]],
        ['resized', [1, 12, 12, 8]],
        ['sliced', [1, 3, 8, 1]],
        ['window', [1, 4, 6, 3]],
      ],
    );
    // NCHW all the way: Transposes only where the outputs need TF's NHWC order back.
    assert.equal(res.opCounts.Transpose, 4);
    assert.equal(res.opCounts.Pad, undefined, 'the zero Pad folds into the Conv');
    assert.equal(res.opCounts.Conv, 4);
    const model = decodeModel(res.onnx);
    assert.equal(toNumber(model.opsetImport?.[0]?.version), 13);

    const nhwc = randomValues(16 * 16 * 3, 9, 2);
    const nchw = new Float32Array(nhwc.length);
    for (let y = 0; y < 16; y++) for (let x2 = 0; x2 < 16; x2++) for (let c = 0; c < 3; c++) nchw[c * 256 + y * 16 + x2] = nhwc[(y * 16 + x2) * 3 + c]!;
    const onnxOut = await runOnnx(res.onnx, { images: { data: nchw, dims: [1, 3, 16, 16] } });
    const tfModel = await loadGraphModelFromDisk(file);
    const tfOut = runGraphModel(tfModel, nhwc, [1, 16, 16, 3], outs);
    tfModel.dispose();
    res.outputs.forEach((o, i) => {
      assert.deepEqual(onnxOut[o.name]!.dims, tfOut[i]!.shape);
      const d = maxAbsDiff(onnxOut[o.name]!.data, tfOut[i]!.data);
      assert.ok(d < 1e-4, `${o.name}: max |diff| ${d}`);
    });
  });
});
