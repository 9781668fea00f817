/**
 * Head surgery on the shared detectors, checked in onnxruntime against the untouched models: the
 * output shapes fit the new class count, box (and objectness) channels are unchanged, a class
 * the pretrained model knew keeps its scores, a new class starts near the 1% prior.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import type { RawTensor } from '../../../models/family.js';
import '../../../models/families/index.js';
import type { ModelStore, StoredModel } from '../../../models/store.js';
import { decodeModel, encodeModel, readModel } from '../../../trainer/onnx/index.js';
import { cutToClasses, prepareModel, replaceClasses, TrainError } from '../../../trainer/train/index.js';
import { getFamily } from '../../../models/registry.js';
import { imageData, maxAbsDiff } from '../executor/helpers.js';
import { sharedDir } from '../../../models/paths.js';
import { storeWith } from '../../helpers/store.js';
import { existsSync, rmSync } from 'node:fs';

const IMAGE = join(sharedDir(), 'data', 'coco128', 'images', 'val2017', '000000000139.jpg');
const YOLOX = { color: 'BGR', mean: [0, 0, 0], std: [1, 1, 1] } as const;
const NANODET = { color: 'BGR', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] } as const;
const SKIP = existsSync(IMAGE) ? false : `${sharedDir()} is missing: set ARGUS_SHARED to the shared test data folder`;
const stores: ModelStore[] = [];

async function stored(name: 'yolox_nano' | 'nanodet_m_416'): Promise<StoredModel> {
  const store = await storeWith(name);
  stores.push(store);
  return store.open(name);
}

after(() => {
  for (const s of stores) rmSync(s.dir, { recursive: true, force: true });
});

async function run(bytes: Uint8Array, data: Float32Array, size: number): Promise<RawTensor[]> {
  const session = await OnnxSession.fromBytes(bytes, 'test model', { threads: 1 });
  try {
    return await session.run(session.inputs[0]!.name, data, [1, 3, size, size]);
  } finally {
    await session.close();
  }
}

/** Column `c` of every row of a [1, N, K] output. */
function column(t: RawTensor, c: number): Float32Array {
  const k = t.dims[2]!;
  const n = t.dims[1]!;
  return Float32Array.from({ length: n }, (_, i) => t.data[i * k + c]!);
}

let yolox: StoredModel;
let nanodet: StoredModel;
before(async () => {
  if (SKIP) return;
  yolox = await stored('yolox_nano');
  nanodet = await stored('nanodet_m_416');
});

test('yolox_nano to person, car, dog: box and objectness channels kept, the three classes keep their scores', { skip: SKIP }, async () => {
  const p = await prepareModel(yolox, { labels: ['person', 'car', 'dog'], seed: 1 });
  assert.deepEqual(p.copied, ['person', 'car', 'dog']);
  const data = await imageData(IMAGE, 416, { ...YOLOX, mean: [...YOLOX.mean], std: [...YOLOX.std] });
  const [before] = await run(await readModel(join(yolox.dir, 'model.onnx')).then(encodeModel), data, 416);
  const [after] = await run(encodeModel(p.model), data, 416);
  assert.deepEqual(after!.dims, [1, 3549, 8]);
  for (let c = 0; c < 5; c++) assert.ok(maxAbsDiff(column(after!, c), column(before!, c)) < 1e-5, `channel ${c} changed`);
  [0, 2, 16].forEach((old, i) => assert.ok(maxAbsDiff(column(after!, 5 + i), column(before!, 5 + old)) < 1e-5, `class ${i} differs from COCO class ${old}`));
});

test('a trained head cut to a subset of its classes keeps those classes\' rows (train all, export some)', { skip: SKIP }, async () => {
  const p = await prepareModel(yolox, { labels: ['person', 'car', 'dog'], seed: 1 });
  const cut = await cutToClasses(p, ['dog']);
  assert.deepEqual(cut.labels, ['dog']);
  const data = await imageData(IMAGE, 416, { ...YOLOX, mean: [...YOLOX.mean], std: [...YOLOX.std] });
  const [all] = await run(encodeModel(p.model), data, 416);
  const [one] = await run(encodeModel(cut.model), data, 416);
  assert.deepEqual(one!.dims, [1, 3549, 6]);
  for (let c = 0; c < 5; c++) assert.ok(maxAbsDiff(column(one!, c), column(all!, c)) < 1e-5, `channel ${c} changed`);
  assert.ok(maxAbsDiff(column(one!, 5), column(all!, 7)) < 1e-5, 'dog scores changed');
  await assert.rejects(cutToClasses(p, ['cat']), /cannot cut the head to cat: not among the trained classes person, car, dog/);
});

test('yolox_nano to a new class at 320: 2100 anchors x 6 channels, boxes as the model at 320, new scores near 1%', { skip: SKIP }, async () => {
  const p = await prepareModel(yolox, { labels: ['sign'], size: { width: 320, height: 320 }, seed: 1 });
  assert.deepEqual(p.fresh, ['sign']);
  assert.equal(p.input.width, 320);
  const resized = await prepareModel(yolox, { labels: yolox.manifest.labels, size: { width: 320, height: 320 }, seed: 1 });
  const data = await imageData(IMAGE, 320, { ...YOLOX, mean: [...YOLOX.mean], std: [...YOLOX.std] });
  const [ref] = await run(encodeModel(resized.model), data, 320);
  const [out] = await run(encodeModel(p.model), data, 320);
  assert.deepEqual(ref!.dims, [1, 2100, 85]);
  assert.deepEqual(out!.dims, [1, 2100, 6]);
  for (let c = 0; c < 5; c++) assert.ok(maxAbsDiff(column(out!, c), column(ref!, c)) < 1e-5, `channel ${c} changed`);
  const scores = column(out!, 5);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  assert.ok(mean > 0.005 && mean < 0.02 && Math.max(...scores) < 0.05, `new class scores: mean ${mean}, max ${Math.max(...scores)}`);
});

test('nanodet_m_416 to two classes: the Split and Reshapes follow, box distributions unchanged', { skip: SKIP }, async () => {
  const p = await prepareModel(nanodet, { labels: ['dog', 'sign'], seed: 2 });
  assert.deepEqual([p.copied, p.fresh], [['dog'], ['sign']]);
  assert.deepEqual(p.groups.map((g) => g.segments.map((s) => `${s.role} ${s.size}`)), Array(3).fill(['cls 2', 'box 32']));
  const data = await imageData(IMAGE, 416, { ...NANODET, mean: [...NANODET.mean], std: [...NANODET.std] });
  const before = await run(encodeModel(await readModel(join(nanodet.dir, 'model.onnx'))), data, 416);
  const after = await run(encodeModel(p.model), data, 416);
  assert.deepEqual(after.map((o) => o.dims), [[1, 2704, 2], [1, 676, 2], [1, 169, 2], [1, 2704, 32], [1, 676, 32], [1, 169, 32]]);
  for (let level = 0; level < 3; level++) {
    assert.ok(maxAbsDiff(after[3 + level]!.data, before[3 + level]!.data) < 1e-5, `box level ${level} changed`);
    assert.ok(maxAbsDiff(column(after[level]!, 0), column(before[level]!, 16)) < 1e-5, `dog scores at level ${level} changed`);
  }
});

test('nanodet_m_416 rewritten for 320 (baked Resize sizes, channel-shuffle Reshapes) computes what the 320 export computes', { skip: SKIP }, async () => {
  const at320 = await prepareModel(nanodet, { labels: nanodet.manifest.labels, size: { width: 320, height: 320 }, seed: 0 });
  const data = await imageData(IMAGE, 320, { ...NANODET, mean: [...NANODET.mean], std: [...NANODET.std] });
  const ours = await run(encodeModel(at320.model), data, 320);
  const ref = await run(encodeModel(await readModel(join(sharedDir(), 'models', 'nanodet_m_320.onnx'))), data, 320);
  // The 320 export lists its outputs in another order, without the batch dim; each shape occurs once.
  const shape = (t: RawTensor) => t.dims.filter((d) => d !== 1).join('x');
  assert.equal(ours.length, 6);
  for (const o of ours) {
    const twin = ref.find((r) => shape(r) === shape(o));
    assert.ok(twin, `no ${o.dims.join('x')} output in nanodet_m_320`);
    assert.ok(maxAbsDiff(o.data, twin.data) < 1e-4, `output ${o.dims.join('x')}: max abs diff ${maxAbsDiff(o.data, twin.data)}`);
  }
});

test('bad class lists and graphs without a recognisable head are TrainErrors that say why', { skip: SKIP }, async () => {
  const graph = decodeModel(encodeModel(await readModel(join(yolox.dir, 'model.onnx')))).graph!;
  const family = getFamily('yolox');
  const head = family.headSchema.parse({});
  assert.throws(() => replaceClasses(graph, family, head, yolox.manifest.labels, ['a', 'a'], 0), (e: Error) => e instanceof TrainError && /class 'a' is listed twice/.test(e.message));
  assert.throws(() => replaceClasses(graph, family, head, yolox.manifest.labels, [], 0), /class list is empty/);
  assert.throws(
    () => replaceClasses(graph, family, head, ['only', 'two'], ['x'], 0),
    (e: Error) => e instanceof TrainError && /no yolox head with 2 classes in the graph: expected per level box 4 \+ obj 1 \+ cls 2/.test(e.message) && /80 channels/.test(e.message),
  );
});
