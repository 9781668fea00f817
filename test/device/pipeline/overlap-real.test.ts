import assert from 'node:assert/strict';
import { once } from 'node:events';
import test from 'node:test';
import '../../../models/families/index.js';
import { loadBenchFrames, OnDemandSource } from '../../../device/bench/index.js';
import { Detector } from '../../../device/detect/detector.js';
import { DetectionPipeline } from '../../../device/pipeline/index.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

/** Detections per frame number of the pipeline over `frames`, fed on demand so none is dropped. */
async function pipelineDetections(det: Detector, frames: Buffer[], overlap: boolean): Promise<Map<number, unknown[]>> {
  const source = new OnDemandSource('test', frames, frames.length);
  const pipeline = new DetectionPipeline(source, det, { overlap });
  pipeline.on('taken', () => source.next());
  const bySeq = new Map<number, unknown[]>();
  pipeline.on('result', (r) => bySeq.set(r.seq, r.detections.map(({ label, score, box }) => ({ label, score, box }))));
  const ended = once(pipeline, 'end');
  pipeline.start();
  await ended;
  await pipeline.stop();
  assert.equal((await pipeline.stats()).frames.dropped, 0);
  return bySeq;
}

test('the overlapped pipeline gives every frame the same detections as the sequential path', async (t) => {
  const video = sharedPath(t, 'data', 'videos', 'vtest_480x360.mp4');
  if (!video) return;
  const det = await Detector.open(await storeWith('nanodet_m_320'), 'nanodet_m_320', { threads: 1 });
  try {
    const { frames } = await loadBenchFrames(`video:${video}`, 8);
    const sequential = await pipelineDetections(det, frames, false);
    const overlapped = await pipelineDetections(det, frames, true);
    assert.deepEqual([...sequential.keys()], [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(overlapped, sequential);
    assert.ok([...overlapped.values()].some((d) => d.length > 0));
  } finally {
    await det.close();
  }
});
