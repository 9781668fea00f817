import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import test from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from '../../../models/paths.js';
import { agreement } from '../../../trainer/bench-peer/agreement.js';
import { buildDefaultModel } from '../../../trainer/importers/default-model.js';
import { sharedPath } from '../../helpers/shared.js';
import { tempStore } from '../../helpers/store.js';

test('agreement counts same-label boxes at IoU ≥ 0.5, frame by frame, in one direction', () => {
  const a = [
    [
      { label: 'person', box: [0, 0, 10, 10] as [number, number, number, number] },
      { label: 'car', box: [20, 20, 40, 40] as [number, number, number, number] },
    ],
    [{ label: 'dog', box: [0, 0, 10, 10] as [number, number, number, number] }],
  ];
  const b = [
    // IoU of [0,0,10,10] and [0,0,10,12] is 100/120; the car has another label here.
    [
      { label: 'person', box: [0, 0, 10, 12] as [number, number, number, number] },
      { label: 'truck', box: [20, 20, 40, 40] as [number, number, number, number] },
    ],
    // The dog appears in the other frame only.
    [],
  ];
  assert.deepEqual(agreement(a, b), { matched: 1, total: 3, ratio: 1 / 3 });
  assert.deepEqual(agreement(b, a), { matched: 1, total: 2, ratio: 0.5 });
  assert.equal(agreement(a, b, 0.9).matched, 0, 'IoU 0.83 is under 0.9');
  assert.deepEqual(agreement([[]], [[]]), { matched: 0, total: 0, ratio: 1 });
});

test('npm run bench:peer: argus and the TF.js NanoDet on the same video frames, ratios and agreement', async (t) => {
  const video = sharedPath(t, 'data', 'videos', 'vtest_480x360.mp4');
  if (!video) return;
  const store = tempStore();
  await buildDefaultModel(store, { int8: false });
  const script = join(projectRoot(), 'dist', 'trainer', 'bench-peer', 'main.js');
  const args = [script, '--frames', '6', '--warmup', '1', '--source', `video:${video}`, '--models-dir', store.dir, '--precision', 'fp32', '--json'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { env: { ...process.env, ARGUS_LOG_FORMAT: 'json' }, maxBuffer: 1 << 24 });
  const out = JSON.parse(stdout);
  t.diagnostic(`argus/peer per frame ${out.ratios.map((r: { threads: number; frame: number }) => `${r.threads}t ${r.frame.toFixed(3)}`).join(', ')}; argus in peer ${out.agreement.argus_in_peer.ratio.toFixed(2)}`);
  assert.equal(out.frames, 6);
  assert.equal(out.precision, 'fp32');
  assert.equal(out.sides.at(-1).name.includes('TF.js') || out.sides.at(-1).name.includes('tfjs'), true, out.sides.at(-1).name);
  for (const r of out.ratios) assert.ok(r.frame > 0 && r.inference > 0);
  // Same network, different letterboxing (the peer stretches): most detections still agree.
  assert.ok(out.agreement.argus_in_peer.total > 0);
  assert.ok(out.agreement.argus_in_peer.ratio > 0.5, JSON.stringify(out.agreement));
});
