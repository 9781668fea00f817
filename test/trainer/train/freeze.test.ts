/** A frozen step trains the per-level head branches only; the shared backbone and neck stay put. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { before, test } from 'node:test';
import '../../../models/families/index.js';
import { selectBackend } from '../../../trainer/backends/index.js';
import { prepareModel, TrainingSession } from '../../../trainer/train/index.js';
import { randomData } from '../executor/helpers.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

before(async () => {
  await selectBackend({ backend: 'wasm' });
});

test('with the backbone frozen only head-branch weights move, and every level head is among them', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  try {
    const prepared = await prepareModel(store.open('yolox_nano'), { labels: ['sign'], size: { width: 64, height: 64 }, seed: 0 });
    const s = new TrainingSession(prepared, { optimizer: { kind: 'sgd', weightDecay: 0, momentum: 0, beta2: 0, epsilon: 0 }, ema: null, clip: 0 });
    const snapshot = () => new Map([...s.params].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
    const before = snapshot();
    s.step({ pixels: randomData(2 * 3 * 64 * 64, 4, 0, 255), targets: [[{ classId: 0, box: [4, 4, 40, 30] }], [{ classId: 0, box: [30, 20, 60, 62] }]], size: 2 }, 0.01, true);
    const after = snapshot();
    const moved = [...before.keys()].filter((n) => before.get(n)!.some((v, i) => v !== after.get(n)![i]));
    t.diagnostic(`${s.headBranch.size} of ${s.params.size} weights in head branches, ${moved.length} moved`);
    for (const level of [0, 1, 2]) for (const kind of ['cls', 'reg', 'obj']) assert.ok(s.headBranch.has(`head.${kind}_preds.${level}.weight`), `head.${kind}_preds.${level}.weight is in a head branch`);
    assert.ok(s.headBranch.size < s.params.size / 2);
    assert.ok(moved.length > 0 && moved.every((n) => s.headBranch.has(n)), `moved outside the head branches: ${moved.filter((n) => !s.headBranch.has(n)).join(', ')}`);
    s.dispose();
  } finally {
    rmSync(store.dir, { recursive: true, force: true });
  }
});
