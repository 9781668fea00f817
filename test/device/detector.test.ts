import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import '../../models/families/index.js';
import { Detector } from '../../device/detect/detector.js';
import { DataError, ModelFileError } from '../../models/errors.js';
import { iou } from '../../models/boxes.js';
import { sha256File } from '../../models/store.js';
import { addModel } from '../../trainer/store/add-model.js';
import { sharedPath } from '../helpers/shared.js';
import { storeWith, tempStore } from '../helpers/store.js';

const IMAGE = ['data', 'coco128', 'images', 'val2017', '000000000139.jpg'];

test('yolox_nano finds the tv and the person in a real photo, boxes in frame pixels', async (t) => {
  const image = sharedPath(t, ...IMAGE);
  if (!image) return;
  const store = await storeWith('yolox_nano');
  const det = await Detector.open(store, 'yolox_nano');
  try {
    const r = await det.detect(image);
    assert.deepEqual(r.image, { w: 640, h: 426 });
    const tv = r.detections.find((d) => d.label === 'tv');
    assert.ok(tv && tv.score > 0.8, 'tv found with high score');
    // Ground truth of this COCO image: tv at x 5.5..155.8, y 166.8..262.4.
    assert.ok(iou(tv.box, [5.5, 166.8, 155.8, 262.4]) > 0.85, `tv box ${tv.box}`);
    assert.ok(r.detections.some((d) => d.label === 'person'));
    for (const k of ['decode', 'pre', 'infer', 'post'] as const) assert.ok(r.timing_ms[k] >= 0);
    const again = await det.detect(readFileSync(image));
    assert.deepEqual(again.detections, r.detections, 'a buffer gives the same result as a path');
  } finally {
    await det.close();
  }
});

test('nanodet_m_416 finds the same tv', async (t) => {
  const image = sharedPath(t, ...IMAGE);
  if (!image) return;
  const det = await Detector.open(await storeWith('nanodet_m_416'), 'nanodet_m_416');
  try {
    const tv = (await det.detect(image)).detections.find((d) => d.label === 'tv');
    assert.ok(tv && iou(tv.box, [5.5, 166.8, 155.8, 262.4]) > 0.85, `tv box ${tv?.box}`);
  } finally {
    await det.close();
  }
});

test('a changed ONNX file is refused by its sha256, naming file and field', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const onnx = join(store.modelDir('yolox_nano'), 'model.onnx');
  const bytes = readFileSync(onnx);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(onnx, bytes);
  await assert.rejects(Detector.open(store, 'yolox_nano'), (e: Error) => e instanceof ModelFileError && /model\.onnx: sha256 .* field 'files\.fp32\.sha256'/.test(e.message));
});

test('a corrupt ONNX file with a matching sha256 is a clear load error', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const dir = store.modelDir('yolox_nano');
  writeFileSync(join(dir, 'model.onnx'), 'not a protobuf at all');
  const mf = join(dir, 'model.json');
  const m = JSON.parse(readFileSync(mf, 'utf8'));
  m.files.fp32.sha256 = await sha256File(join(dir, 'model.onnx'));
  writeFileSync(mf, JSON.stringify(m));
  await assert.rejects(Detector.open(store, 'yolox_nano'), (e: Error) => e instanceof ModelFileError && /model\.onnx: onnxruntime cannot load it/.test(e.message));
});

test('a manifest whose input size disagrees with the ONNX input is refused', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const mf = join(store.modelDir('yolox_nano'), 'model.json');
  const m = JSON.parse(readFileSync(mf, 'utf8'));
  m.input.width = 320;
  writeFileSync(mf, JSON.stringify(m));
  await assert.rejects(Detector.open(store, 'yolox_nano'), /\[1x3x416x416\] but .*model\.json says \[1x3x416x320\] \(fields 'input\.height', 'input\.width'\)/);
});

test('a manifest whose class count disagrees with the outputs is refused', async (t) => {
  if (!sharedPath(t, 'models', 'nanodet_m_320.onnx')) return;
  const store = await storeWith('nanodet_m_320');
  const mf = join(store.modelDir('nanodet_m_320'), 'model.json');
  const m = JSON.parse(readFileSync(mf, 'utf8'));
  m.labels = m.labels.slice(0, 79);
  writeFileSync(mf, JSON.stringify(m));
  await assert.rejects(Detector.open(store, 'nanodet_m_320'), /outputs do not fit .*model\.json: nanodet: no outputs 1600x79/);
});

test('model add refuses a labels file that does not fit the outputs, and a wrong family', async (t) => {
  const onnx = sharedPath(t, 'models', 'yolox_nano.onnx');
  if (!onnx) return;
  const store = tempStore();
  const labels = join(store.dir, 'three.names');
  writeFileSync(labels, 'a\nb\nc\n');
  await assert.rejects(addModel(store, onnx, { family: 'yolox', labelsFile: labels }), /does not look like a 'yolox' model with 3 labels/);
  const coco = sharedPath(t, 'data', 'coco128', 'coco80.names')!;
  await assert.rejects(addModel(store, onnx, { family: 'yolov8', labelsFile: coco }), /does not look like a 'yolov8' model/);
  await assert.rejects(addModel(store, onnx, { family: 'yolox', labelsFile: coco, head: { strides: 'big' } }), /head parameter 'strides'/);
  await addModel(store, onnx, { family: 'yolox', labelsFile: coco });
  await assert.rejects(addModel(store, onnx, { family: 'yolox', labelsFile: coco }), /already exists/);
});

test('a corrupt image is a DataError naming it', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const bad = join(store.dir, 'broken.jpg');
  writeFileSync(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  const det = await Detector.open(store, 'yolox_nano');
  try {
    await assert.rejects(det.detect(bad), (e: Error) => e instanceof DataError && e.message.startsWith(`${bad}: cannot decode image`));
  } finally {
    await det.close();
  }
});
