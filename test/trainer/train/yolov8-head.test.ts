/**
 * Head surgery and training on a YOLOv8-layout graph (see yolov8-graph.ts): the DFL's fixed
 * convolution after the head must not hide the head convolutions, the cut graph must run in
 * onnxruntime with the new class count, box rows untouched, and training must run through the
 * yolov8 loss to a model the device detects with. Its first convolution reads the graph input, as
 * coco-nanodet's does (the learning-rate probe once disposed the fed batch there).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Detector } from '../../../device/detect/detector.js';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import type { RawTensor } from '../../../models/family.js';
import '../../../models/families/index.js';
import { ModelStore } from '../../../models/store.js';
import { encodeModel } from '../../../trainer/onnx/index.js';
import { addModel } from '../../../trainer/store/add-model.js';
import { generateSignDataset } from '../../../trainer/synthetic/generate.js';
import { prepareModel, trainModel } from '../../../trainer/train/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { maxAbsDiff } from '../executor/helpers.js';
import { yolov8Graph } from './yolov8-graph.js';

const SIZE = 64;
const LABELS = ['a', 'b', 'c', 'd', 'e'];

async function run(bytes: Uint8Array, data: Float32Array): Promise<RawTensor> {
  const session = await OnnxSession.fromBytes(bytes, 'yolov8-like', { threads: 1 });
  try {
    return (await session.run(session.inputs[0]!.name, data, [1, 3, SIZE, SIZE]))[0]!;
  } finally {
    await session.close();
  }
}

/** Row `r` of a [1, K, N] output. */
function row(t: RawTensor, r: number): Float32Array {
  const n = t.dims[2]!;
  return t.data.slice(r * n, (r + 1) * n);
}

function storeWithYolov8(): ModelStore {
  const dir = mkdtempSync(join(tmpdir(), 'argus-v8-'));
  writeFileSync(join(dir, 'v8.onnx'), yolov8Graph(LABELS.length, SIZE));
  return new ModelStore(join(dir, 'store'));
}

test('yolov8 layout: surgery to c and a new class keeps the boxes and c\'s scores; new scores start near 1%', async () => {
  const store = storeWithYolov8();
  await addModel(store, join(store.dir, '..', 'v8.onnx'), { family: 'yolov8', labels: LABELS, name: 'v8' });
  const p = await prepareModel(store.open('v8'), { labels: ['c', 'new'], seed: 1 });
  assert.deepEqual([p.copied, p.fresh], [['c'], ['new']]);
  assert.equal(p.groups.length, 3, 'one head group per level, the DFL convolution not among them');
  assert.deepEqual(p.groups[0]!.segments.map((s) => [s.role, s.size]), [['box', 64], ['cls', 2]]);
  const data = Float32Array.from({ length: 3 * SIZE * SIZE }, (_, i) => ((i * 37) % 256) / 255);
  const before = await run(yolov8Graph(LABELS.length, SIZE), data);
  const after = await run(encodeModel(p.model), data);
  assert.deepEqual(after.dims, [1, 6, 84]);
  for (let r = 0; r < 4; r++) assert.ok(maxAbsDiff(row(after, r), row(before, r)) < 1e-4, `box row ${r} changed`);
  assert.ok(maxAbsDiff(row(after, 4), row(before, 4 + 2)) < 1e-6, "c's scores changed");
  const fresh = row(after, 5);
  assert.ok(fresh.every((s) => s > 0.005 && s < 0.02), `new class scores ${Math.min(...fresh)}..${Math.max(...fresh)}`);
});

test('yolov8 layout trains end to end: a first convolution on the graph input, the yolov8 loss, export, detection', { timeout: 180_000 }, async (t) => {
  const coco = sharedPath(t, 'data', 'coco128', 'config.yaml');
  if (!coco) return;
  const store = storeWithYolov8();
  await addModel(store, join(store.dir, '..', 'v8.onnx'), { family: 'yolov8', labels: LABELS, name: 'v8' });
  const data = await generateSignDataset({ source: coco, out: join(store.dir, '..', 'signs'), variants: { train: 1, val: 1 }, limit: 8, seed: 1 });
  const lines: string[] = [];
  const r = await trainModel(store, { options: { data: data.dataYaml, model: 'v8', epochs: 1, batch: 4, name: 'v8-signs', runDir: join(store.dir, '..', 'run'), gridImages: 0, backend: 'wasm' } }, (l) => lines.push(l));
  assert.equal(r.epochs, 1);
  const epoch = lines.find((l) => l.startsWith('epoch 1/1'));
  assert.match(epoch ?? '', /loss [\d.]+ \(box [\d.]+ cls [\d.]+ dfl [\d.]+\)/, lines.join('\n'));
  const model = store.open('v8-signs');
  assert.deepEqual([model.manifest.family, model.manifest.labels], ['yolov8', ['sign']]);
  const detector = await Detector.fromModel(model, { scoreThreshold: 0.001 });
  try {
    const out = await detector.detect(join(data.out, 'images', 'val', readdirSync(join(data.out, 'images', 'val')).sort()[0]!));
    assert.ok(out.detections.length > 0 && out.detections.every((d) => d.label === 'sign'));
  } finally {
    await detector.close();
  }
});
