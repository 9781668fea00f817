import assert from 'node:assert/strict';
import test, { type TestContext } from 'node:test';
import '../../../models/families/index.js';
import { loadBenchFrames } from '../../../device/bench/index.js';
import { Detector } from '../../../device/detect/detector.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

async function checkSplit(t: TestContext, worker: boolean): Promise<void> {
  const video = sharedPath(t, 'data', 'videos', 'vtest_480x360.mp4');
  if (!video) return;
  const det = await Detector.open(await storeWith('nanodet_m_416'), 'nanodet_m_416', { threads: 1, worker });
  try {
    const { frames } = await loadBenchFrames(`video:${video}`, 3);
    assert.equal(frames.length, 3);
    const whole = [];
    for (const f of frames) whole.push(await det.detect(f));
    assert.ok(whole.every((r) => r.detections.some((d) => d.label === 'person')), 'people on the street');

    // The pipeline's pattern: the next frame prepared while the current one infers.
    const a = await det.prepare(frames[0]!);
    const [ra, b] = await Promise.all([det.infer(a), det.prepare(frames[1]!)]);
    // Out of order: each prepared frame keeps its own tensor.
    const c = await det.prepare(frames[2]!);
    const rc = await det.infer(c);
    const rb = await det.infer(b);
    assert.deepEqual([ra, rb, rc].map((r) => r.detections), whole.map((r) => r.detections));
    assert.deepEqual(ra.image, { w: 480, h: 360 });
    for (const k of ['decode', 'pre', 'infer', 'post'] as const) assert.ok(ra.timing_ms[k] >= 0, k);

    await assert.rejects(det.infer(a), /Detector\.infer: the frame was not prepared by this detector, or was already inferred or released/);
    const d = await det.prepare(frames[0]!);
    assert.ok((await det.timeInference(d)) > 0);
    assert.deepEqual((await det.infer(d)).detections, whole[0]!.detections, 'timing inference leaves the frame prepared');
    assert.throws(() => det.release(d), /Detector\.release: .* already inferred or released/);

    // close() while a run is in flight: onnxruntime-node starts runs on a later turn of the event
    // loop, so the session must outlive it; later runs are refused, naming the model.
    const e = await det.prepare(frames[1]!);
    const inferring = det.infer(e);
    const closing = det.close();
    assert.deepEqual((await inferring).detections, whole[1]!.detections);
    await closing;
    await assert.rejects(det.detect(frames[1]!), /model 'nanodet_m_416' \(fp32\): the detector is closed/);
  } finally {
    await det.close();
  }
}

test('prepare + infer give the same detections as detect(), two frames prepared at once (onnxruntime in a worker)', (t) => checkSplit(t, true));
test('the same with onnxruntime on the main thread (worker: false)', (t) => checkSplit(t, false));
