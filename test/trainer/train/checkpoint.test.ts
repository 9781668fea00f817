/**
 * Checkpoints: a session restored from one (graph with raw weights, optimizer slots, EMA) makes
 * exactly the step the original session makes next; and the learning-rate scales they carry.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import '../../../models/families/index.js';
import { selectBackend } from '../../../trainer/backends/index.js';
import { tensorToFloat32, type ModelProto } from '../../../trainer/onnx/index.js';
import { loadCheckpoint, prepareModel, saveCheckpoint, TRAIN_DEFAULTS, trainableFromGraph, TrainingSession } from '../../../trainer/train/index.js';
import { randomData } from '../executor/helpers.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

before(async () => {
  await selectBackend({ backend: 'wasm' });
});

const SIZE = 64;
const OPTIONS = { optimizer: { kind: 'adamw' as const, weightDecay: 0.01, momentum: 0.9, beta2: 0.999, epsilon: 1e-8 }, ema: { decay: 0.99, tau: 3 }, clip: 5 };

function batch(seed: number) {
  return {
    pixels: randomData(2 * 3 * SIZE * SIZE, seed, 0, 255),
    targets: [[{ classId: 0, box: [8, 8, 40, 36] as [number, number, number, number] }], [{ classId: 0, box: [20, 4, 60, 50] as [number, number, number, number] }]],
    size: 2,
  };
}

function weights(m: ModelProto): Map<string, Float32Array> {
  return new Map((m.graph!.initializer ?? []).filter((t) => t.dataType === 1).map((t) => [t.name!, tensorToFloat32(t)]));
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  }
  return worst;
}

test('a session restored from a checkpoint takes the same next step as the one that wrote it', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const run = mkdtempSync(join(tmpdir(), 'argus-ckpt-'));
  try {
    const prepared = await prepareModel(store.open('yolox_nano'), { labels: ['sign'], size: { width: SIZE, height: SIZE }, seed: 3 });
    const a = new TrainingSession(prepared, OPTIONS);
    a.step(batch(1), 1e-3, false);
    a.step(batch(2), 1e-3, true);
    await saveCheckpoint(run, a, {
      options: { ...TRAIN_DEFAULTS, data: 'unused', name: 'ckpt', runDir: run, lr: 1e-3, momentum: 0.9 },
      labels: prepared.labels,
      family: prepared.family.name,
      head: prepared.head,
      preprocess: prepared.preprocess,
      postprocess: { scoreThreshold: 0.35, iouThreshold: 0.45, maxDetections: 100 },
      base: { model: 'yolox_nano', copied: [], fresh: ['sign'] },
      epoch: 1,
      step: 2,
      plannedEpochs: 3,
      totalSteps: 6,
      elapsed: 1,
      early: { best: 0.1, bestEpoch: 1 },
      history: [],
    });
    const stepA = a.step(batch(3), 5e-4, false);

    const ck = await loadCheckpoint(run);
    assert.equal(ck.state.optimizerSteps, 2);
    assert.equal(ck.state.emaUpdates, 2);
    const b = new TrainingSession(trainableFromGraph(ck.model, ck.state.family, ck.state.head, ck.state.labels, ck.state.preprocess), OPTIONS);
    b.optimizer.load({ step: ck.state.optimizerSteps, slots: ck.slots });
    b.lrScales = new Map(Object.entries(ck.state.lrScales));
    assert.deepEqual([...b.lrScales.keys()], ['onnx::Conv_1178'], 'the stem, fed raw pixels, steps slower');
    b.ema!.load(ck.ema, ck.state.emaUpdates);
    const stepB = b.step(batch(3), 5e-4, false);

    assert.ok(Math.abs(stepA.loss.total! - stepB.loss.total!) < 1e-5, `loss ${stepA.loss.total} vs ${stepB.loss.total}`);
    const raw = maxDiff(weights(a.rawModel()), weights(b.rawModel()));
    const ema = maxDiff(weights(a.deployedModel()), weights(b.deployedModel()));
    t.diagnostic(`max weight difference: raw ${raw.toExponential(2)}, EMA ${ema.toExponential(2)}`);
    assert.ok(raw < 1e-6 && ema < 1e-6);
    const moved = maxDiff(weights(prepared.model), weights(b.rawModel()));
    assert.ok(moved > 1e-4, 'the steps changed the weights');
    a.dispose();
    b.dispose();
  } finally {
    rmSync(run, { recursive: true, force: true });
    rmSync(store.dir, { recursive: true, force: true });
  }
});

test('a missing checkpoint, another version or a truncated tensor file is refused by name', async () => {
  const run = mkdtempSync(join(tmpdir(), 'argus-ckpt-'));
  const dir = join(run, 'checkpoint');
  try {
    await assert.rejects(loadCheckpoint(run), /no checkpoint to resume \(.*state\.json is missing\)/);
    mkdirSync(dir);
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 2 }));
    await assert.rejects(loadCheckpoint(run), /state\.json: field 'version' is 2; this argus reads version 1/);
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, bundle: [{ key: 'opt:w/m', shape: [4] }] }));
    writeFileSync(join(dir, 'tensors.bin'), Buffer.alloc(8));
    await assert.rejects(loadCheckpoint(run), /tensors\.bin: 8 bytes, but its index lists 4 float32 values \(16 bytes\)/);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

test('the stem fed raw pixels steps slower: by REF / rms under AdamW, by its square under SGD', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const prepared = await prepareModel(store.open('yolox_nano'), { labels: ['sign'], size: { width: SIZE, height: SIZE }, seed: 3 });
  const adam = new TrainingSession(prepared, OPTIONS);
  adam.step(batch(1), 1e-3, false);
  const sgd = new TrainingSession(prepared, { ...OPTIONS, optimizer: { ...OPTIONS.optimizer, kind: 'sgd' } });
  sgd.step(batch(1), 1e-3, false);
  const a = adam.lrScales!.get('onnx::Conv_1178')!;
  const s = sgd.lrScales!.get('onnx::Conv_1178')!;
  assert.ok(a > 0 && a < 0.2, `AdamW stem scale ${a}`);
  assert.ok(Math.abs(s - a * a) < 1e-12, `SGD stem scale ${s}, AdamW ${a}`);
});
