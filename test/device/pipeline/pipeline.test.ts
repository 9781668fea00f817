import assert from 'node:assert/strict';
import test from 'node:test';
import { DetectionPipeline, type FrameResult } from '../../../device/pipeline/index.js';
import type { TrackEvent } from '../../../device/tracking/index.js';
import type { Box, Detection } from '../../../models/boxes.js';
import { DataError } from '../../../models/errors.js';
import { ManualDetector, ManualSource } from './fakes.js';

const person = (score = 0.9, box: Box = [10, 10, 30, 40]): Detection => ({ label: 'person', classId: 0, score, box });
const car = (score = 0.9): Detection => ({ label: 'car', classId: 1, score, box: [40, 5, 60, 20] });
/** Lets the pipeline's promise chain run. */
const settle = () => new Promise((r) => setImmediate(r));

function setup(opts: ConstructorParameters<typeof DetectionPipeline>[2] = {}) {
  const source = new ManualSource();
  const detector = new ManualDetector('m1');
  const pipeline = new DetectionPipeline(source, detector, opts);
  const results: FrameResult[] = [];
  const events: TrackEvent[] = [];
  pipeline.on('result', (r) => results.push(r));
  pipeline.on('track', (e) => events.push(e));
  pipeline.start();
  return { source, detector, pipeline, results, events };
}

test('frames arriving during inference replace each other: the newest is next, the rest are dropped', async () => {
  const { source, detector, pipeline, results } = setup();
  assert.ok(source.started);
  source.push('f0');
  const c0 = await detector.call(0);
  source.push('f1');
  source.push('f2');
  source.push('f3');
  c0.finish([person()]);
  const c1 = await detector.call(1);
  assert.equal(c1.tag, 'f3', 'the newest frame, not the oldest');
  c1.finish([]);
  await settle();
  assert.deepEqual(results.map((r) => r.seq), [0, 3]);
  assert.equal(detector.calls.length, 2, 'one frame in flight at a time');
  const stats = await pipeline.stats();
  assert.deepEqual(stats.frames, { captured: 4, processed: 2, dropped: 2, corrupt: 0, failed: 0, restarts: 0 });
  await pipeline.stop();
});

test('a result carries the frame, the model, tracked detections; filters apply from the next frame', async () => {
  const { source, detector, pipeline, results, events } = setup({ scoreThreshold: 0.5 });
  source.push('f0', 1000);
  (await detector.call(0)).finish([person(0.9), person(0.4, [50, 50, 60, 60]), car(0.8)]);
  await settle();
  const r = results[0]!;
  assert.equal(r.ts_capture, 1000);
  assert.equal(r.jpeg.toString(), 'f0');
  assert.deepEqual(r.model, { name: 'm1', precision: 'fp32' });
  assert.deepEqual(r.detections.map((d) => [d.label, d.track_id]), [['person', 1], ['car', 2]], 'the 0.4 person is under the threshold');
  assert.deepEqual(events.map((e) => `${e.type}:${e.label}`), ['new:person', 'new:car']);
  assert.equal(detector.options.scoreThreshold, 0.5, 'the detector decodes at the pipeline threshold');

  pipeline.setScoreThreshold(0.85);
  pipeline.setLabels(['person']);
  source.push('f1', 1100);
  (await detector.call(1)).finish([person(0.9), car(0.8)]);
  await settle();
  assert.deepEqual(results[1]!.detections.map((d) => [d.label, d.track_id]), [['person', 1]]);
  assert.throws(() => pipeline.setScoreThreshold(1.5), /score threshold must be a number from 0 to 1, got 1.5/);
  assert.throws(() => pipeline.setLabels(['persn']), /label filter: 'persn' not in model 'm1'; its labels: person, car/);
  await pipeline.stop();
});

test('an undecodable frame counts as corrupt on its source and is skipped; other errors as failed', async () => {
  const { source, detector, pipeline, results } = setup();
  source.push('bad');
  (await detector.call(0)).fail(new DataError('image buffer', 'cannot decode image (VipsJpeg: premature end)'));
  source.push('broken-model');
  (await detector.call(1)).fail(new Error('onnxruntime: something'));
  source.push('good');
  (await detector.call(2)).finish([]);
  await settle();
  assert.deepEqual(results.map((r) => r.seq), [2]);
  const s = await pipeline.stats();
  assert.equal(s.frames.corrupt, 1);
  assert.equal(s.frames.failed, 1);
  assert.equal(source.stats().corrupt, 1);
  await pipeline.stop();
});

test('stop() waits for the frame in flight, emits its result, ends the tracks, discards the waiting frame', async () => {
  const { source, detector, pipeline, results, events } = setup();
  source.push('f0');
  const c0 = await detector.call(0);
  source.push('f1'); // waiting in the slot
  let stopped = false;
  const stopping = pipeline.stop().then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, 'still waiting for the frame in flight');
  assert.ok(source.stopped);
  c0.finish([person()]);
  await stopping;
  assert.deepEqual(results.map((r) => r.seq), [0]);
  assert.deepEqual(events.map((e) => e.type), ['new', 'end']);
  assert.equal(detector.calls.length, 1, 'the waiting frame was not processed');
  source.push('f2');
  await settle();
  assert.equal(detector.calls.length, 1, 'nothing after stop');
});

test('replaceDetector swaps models between frames and hands back the old one when it is free', async () => {
  const { source, detector, pipeline, results } = setup({ scoreThreshold: 0.6, labels: ['car'] });
  source.push('f0');
  const c0 = await detector.call(0);
  const next = new ManualDetector('m2', ['car', 'bus']);
  let handedBack: unknown = null;
  const replacing = pipeline.replaceDetector(next).then((old) => (handedBack = old));
  await settle();
  assert.equal(handedBack, null, 'not while the old model still runs a frame');
  c0.finish([car()]);
  await replacing;
  assert.equal(handedBack, detector);
  assert.equal(next.options.scoreThreshold, 0.6, 'the threshold carries over');
  source.push('f1');
  (await next.call(0)).finish([car()]);
  await settle();
  assert.deepEqual(results.map((r) => r.model.name), ['m1', 'm2']);
  assert.equal(results[1]!.detections[0]!.track_id, results[0]!.detections[0]!.track_id, 'tracks go on across the swap');
  await assert.rejects(pipeline.replaceDetector(new ManualDetector('m3', ['person'])), /label filter: 'car' not in model 'm3'/);
  await pipeline.stop();
});

test('a finite source ending lets the pipeline finish and emit end', async () => {
  const { source, detector, pipeline, events } = setup();
  let ended = false;
  pipeline.on('end', () => (ended = true));
  source.push('last');
  source.emit('end');
  (await detector.call(0)).finish([person()]);
  await settle();
  await settle();
  assert.ok(ended);
  assert.deepEqual(events.map((e) => e.type), ['new', 'end']);
  await pipeline.stop();
});

test('a listener that throws does not stop detection', async () => {
  const { source, detector, pipeline, results } = setup();
  pipeline.prependListener('result', () => {
    throw new Error('bug in a subscriber');
  });
  source.push('f0');
  (await detector.call(0)).finish([]);
  source.push('f1');
  (await detector.call(1)).finish([]);
  await settle();
  assert.equal(results.length, 0, 'the throwing listener ran first and the emit stopped there');
  assert.equal(detector.calls.length, 2);
  await pipeline.stop();
});
