import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import '../../../models/families/index.js';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import { countOps, readModel } from '../../../trainer/onnx/index.js';
import { quantizeModel } from '../../../trainer/quantize/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

/** The op types onnxruntime actually runs, read from the model it optimized for this CPU. */
async function optimizedOps(file: string): Promise<Record<string, number>> {
  const out = join(mkdtempSync(join(tmpdir(), 'argus-opt-')), 'optimized.onnx');
  await (await OnnxSession.create(file, { optimizedModelFile: out })).close();
  return countOps((await readModel(out)).graph!);
}

test('onnxruntime fuses the QDQ model into integer kernels: every quantized Conv runs as QLinearConv', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const store = await storeWith('nanodet_m_320');
  const model = store.open('nanodet_m_320');
  const q = await quantizeModel(model, { calib: yaml, images: 8 });
  const int8Ops = q.manifest.quantization!.int8_ops as Record<string, number>;
  const ops = await optimizedOps(q.file);
  t.diagnostic(`onnxruntime runs: ${JSON.stringify(ops)}`);
  assert.equal(int8Ops.Conv, 73);
  assert.equal(ops.QLinearConv, 73, 'each int8 Conv became a QLinearConv');
  assert.equal(ops.Conv ?? 0, 0, 'no float Conv is left');
  assert.equal(ops.QLinearLeakyRelu, int8Ops.LeakyRelu);
  assert.equal(ops.QLinearConcat, int8Ops.Concat);
  assert.equal(ops.QLinearAdd, int8Ops.Add);
  // What is left of the Q/DQ pairs: the input's Q and the DQs into the float decode tail.
  assert.ok((ops.QuantizeLinear ?? 0) + (ops.DequantizeLinear ?? 0) <= 12, `Q ${ops.QuantizeLinear} DQ ${ops.DequantizeLinear}`);
  assert.equal(ops.Sigmoid, 3, 'the score sigmoids of the decode tail stay float');
});

test('yolox: SiLU stays float as one QuickGelu per activation, the stem float, the other convolutions fuse', async (t) => {
  const yaml = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!yaml) return;
  const store = await storeWith('yolox_nano');
  const q = await quantizeModel(store.open('yolox_nano'), { calib: yaml, images: 4 });
  const ops = await optimizedOps(q.file);
  t.diagnostic(`onnxruntime runs: ${JSON.stringify(ops)}`);
  const quantization = q.manifest.quantization as { int8_ops: Record<string, number>; float_ops: Record<string, Record<string, number>> };
  const stemConvs = quantization.float_ops.stem!.Conv!;
  assert.ok(stemConvs > 0 && stemConvs < 20, `${stemConvs} stem convolutions (stride 2 and 4) stay float`);
  assert.equal(quantization.int8_ops.Conv! + stemConvs, 113);
  assert.equal(ops.QLinearConv, quantization.int8_ops.Conv);
  // Float Convs: the stem's, and per-channel Muls that onnxruntime turns into 1x1 NCHWc convolutions.
  assert.ok(ops.Conv! >= stemConvs);
  assert.equal(ops.QuickGelu, 104);
  assert.equal(ops.Sigmoid, 6, 'objectness and class sigmoids of the decode tail');
});
