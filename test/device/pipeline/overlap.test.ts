import assert from 'node:assert/strict';
import test from 'node:test';
import { DetectionPipeline, type FrameResult } from '../../../device/pipeline/index.js';
import { ManualSource, SplitFakeDetector } from './fakes.js';

const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  const source = new ManualSource();
  const detector = new SplitFakeDetector('m1');
  const pipeline = new DetectionPipeline(source, detector);
  const results: FrameResult[] = [];
  pipeline.on('result', (r) => results.push(r));
  pipeline.start();
  return { source, detector, pipeline, results };
}

test('the next frame is prepared and queued while the current one infers; the one after waits; results keep frame order', async () => {
  const { source, detector, pipeline, results } = setup();
  const taken: number[] = [];
  pipeline.on('taken', (f) => taken.push(f.seq));
  source.push('f0');
  const i0 = await detector.inference(0);
  source.push('f1');
  await settle();
  assert.deepEqual(detector.log, ['prepare:f0', 'infer:f0', 'prepare:f1', 'infer:f1'], 'f1 handed to the model before f0 is done');
  source.push('f2'); // waits in the slot: at most two frames in the model
  await settle();
  assert.equal(detector.log.length, 4);
  i0.finish([]);
  await settle();
  assert.deepEqual(detector.log.slice(4), ['done:f0', 'prepare:f2', 'infer:f2']);
  (await detector.inference(1)).finish([]);
  (await detector.inference(2)).finish([]);
  await settle();
  assert.deepEqual(results.map((r) => r.seq), [0, 1, 2]);
  assert.deepEqual(taken, [0, 1, 2]);
  await pipeline.stop();
});

test('stop() finishes the frames handed to the model and releases the one being prepared', async () => {
  const { source, detector, pipeline, results } = setup();
  source.push('f0');
  const i0 = await detector.inference(0);
  const letGo = detector.holdPrepare();
  source.push('f1');
  await settle();
  const stopping = pipeline.stop();
  i0.finish([]);
  letGo();
  await stopping;
  assert.deepEqual(results.map((r) => r.seq), [0]);
  assert.deepEqual(detector.log, ['prepare:f0', 'infer:f0', 'prepare:f1', 'done:f0', 'release:f1']);
});

test('stop() with a frame queued behind the one inferring emits both results, then nothing', async () => {
  const { source, detector, pipeline, results } = setup();
  source.push('f0');
  const i0 = await detector.inference(0);
  source.push('f1');
  const i1 = await detector.inference(1);
  source.push('f2');
  const stopping = pipeline.stop();
  i0.finish([]);
  await settle();
  i1.finish([]);
  await stopping;
  assert.deepEqual(results.map((r) => r.seq), [0, 1]);
  assert.ok(!detector.log.includes('prepare:f2'), 'the frame waiting in the slot is dropped');
});

test('a frame prepared by a replaced model is released there and detected by the new one', async () => {
  const { source, detector, pipeline, results } = setup();
  source.push('f0');
  const i0 = await detector.inference(0);
  const letGo = detector.holdPrepare();
  source.push('f1');
  await settle();
  const next = new SplitFakeDetector('m2');
  const replacing = pipeline.replaceDetector(next);
  i0.finish([]);
  letGo();
  assert.equal(await replacing, detector);
  await settle();
  assert.deepEqual(detector.log.slice(-1), ['release:f1']);
  assert.deepEqual(next.log, ['detect:f1']);
  await settle();
  assert.deepEqual(results.map((r) => `${r.seq}:${r.model.name}`), ['0:m1', '1:m2']);
  await pipeline.stop();
});

test('overlap: false runs one whole frame at a time with detect()', async () => {
  const source = new ManualSource();
  const detector = new SplitFakeDetector('m1');
  const pipeline = new DetectionPipeline(source, detector, { overlap: false });
  pipeline.start();
  source.push('f0');
  source.push('f1');
  await settle();
  await settle();
  assert.deepEqual(detector.log, ['detect:f0', 'detect:f1']);
  await pipeline.stop();
});
