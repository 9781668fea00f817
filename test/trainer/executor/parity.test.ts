/**
 * The executor against onnxruntime on the three shared detectors and real images (WebAssembly
 * backend): every output within 1e-3 max abs, and yolox_nano at an input size it was not exported at.
 */
import assert from 'node:assert/strict';
import { before, test, type TestContext } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../trainer/backends/index.js';
import { OnnxExecutor } from '../../../trainer/executor/index.js';
import { readModel, type ModelProto } from '../../../trainer/onnx/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { imageData, maxAbsDiff, runOrt, runOrtFile, withInputDims, type Preprocess } from './helpers.js';

const IMAGES = ['000000000139.jpg', '000000000632.jpg'];
const YOLOX: Preprocess = { color: 'BGR', mean: [0, 0, 0], std: [1, 1, 1] };
const NANODET: Preprocess = { color: 'BGR', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] };

before(async () => {
  await selectBackend({ backend: 'wasm' });
});

/** Runs both runtimes on each image; asserts and reports the worst max-abs diff per output. */
async function checkParity(t: TestContext, modelName: string, size: number, pre: Preprocess, resized?: (m: ModelProto) => ModelProto): Promise<void> {
  const file = sharedPath(t, 'models', `${modelName}.onnx`);
  if (!file) return;
  const images = IMAGES.map((f) => sharedPath(t, 'data', 'coco128', 'images', 'val2017', f));
  if (images.some((f) => !f)) return;
  const model = await readModel(file);
  const ex = new OnnxExecutor(model);
  const worst = new Map<string, number>();
  try {
    for (const image of images) {
      const data = await imageData(image!, size, pre);
      const dims = [1, 3, size, size];
      const ref = resized ? await runOrt(resized(model), data, dims) : await runOrtFile(file, data, dims);
      const out = ex.run(tf.tensor(data, dims));
      ex.outputNames.forEach((name, i) => {
        assert.deepEqual(out[name]!.shape, [...ref[i]!.dims], `${modelName} ${name} shape`);
        worst.set(name, Math.max(worst.get(name) ?? 0, maxAbsDiff(out[name]!.dataSync(), ref[i]!.data)));
      });
      tf.dispose(out);
    }
  } finally {
    ex.dispose();
  }
  for (const [name, d] of worst) {
    t.diagnostic(`${modelName}@${size} ${name}: max abs diff ${d.toExponential(2)}`);
    assert.ok(d < 1e-3, `${modelName} output ${name}: max abs diff ${d}`);
  }
}

test('yolox_nano matches onnxruntime', (t) => checkParity(t, 'yolox_nano', 416, YOLOX));
test('nanodet_m_416 matches onnxruntime', (t) => checkParity(t, 'nanodet_m_416', 416, NANODET));
test('nanodet_m_320 (shape chains feeding Resize) matches onnxruntime', (t) => checkParity(t, 'nanodet_m_320', 320, NANODET));
test('yolox_nano at 320 (not its export size) matches onnxruntime', (t) => checkParity(t, 'yolox_nano', 320, YOLOX, (m) => withInputDims(m, [1, 3, 320, 320])));
