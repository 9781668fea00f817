import assert from 'node:assert/strict';
import test from 'node:test';
import '../../../models/families/index.js';
import { Detector } from '../../../device/detect/detector.js';
import { DetectionPipeline, type FrameResult, type PipelineDetector } from '../../../device/pipeline/index.js';
import { createSource } from '../../../device/sources/index.js';
import type { TrackEvent } from '../../../device/tracking/index.js';
import { iou } from '../../../models/boxes.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';
import { makeFakeCamera, withPath } from '../sources/fake-camera.js';
import { waitFor } from '../sources/wait.js';

/** A living room with a tv (640x426), then a stop sign (375x500): the room's tracks must end. */
const ROOM = '000000000139.jpg';
const STREET = '000000000724.jpg';

test('fake Pi camera → real detector: labels and boxes in frame pixels, stable track ids, new → update → end', async (t) => {
  const val = sharedPath(t, 'data', 'coco128', 'images', 'val2017');
  if (!val || !sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const images = [...Array(8).fill(`${val}/${ROOM}`), ...Array(8).fill(`${val}/${STREET}`)];
  const cam = makeFakeCamera({ images, fps: 10, corruptEvery: 7 });
  const detector = await Detector.open(await storeWith('yolox_nano'), 'yolox_nano');
  // Counts the frames handed to the model and marks when one is, to stop the pipeline right then.
  // The halves are passed on so the pipeline overlaps as on the device: the next frame prepared
  // and queued while the current one infers.
  let handed = 0;
  let onDetect: (() => void) | null = null;
  const watched: PipelineDetector = {
    detect: (image) => {
      handed++;
      onDetect?.();
      return detector.detect(image);
    },
    prepare: (image) => detector.prepare(image),
    infer: (prepared) => {
      handed++;
      onDetect?.();
      return detector.infer(prepared);
    },
    release: (prepared) => detector.release(prepared),
    manifest: detector.manifest,
    precision: detector.precision,
    options: detector.options,
  };
  try {
    await withPath(`${cam.dir}:${process.env.PATH}`, async () => {
      const source = createSource('libcamera', { fps: 10 });
      const pipeline = new DetectionPipeline(source, watched, { tracker: { maxMissed: 2, updateIntervalMs: 250 } });
      const results: FrameResult[] = [];
      const events: TrackEvent[] = [];
      pipeline.on('result', (r) => results.push(r));
      pipeline.on('track', (e) => events.push(e));
      pipeline.start();
      const tvEnded = () => events.some((e) => e.type === 'end' && e.label === 'tv');
      await waitFor('the tv track to end', tvEnded, 20_000);

      // The first run of room frames: same detections, same ids, boxes in the photo's pixels.
      const room = results.slice(0, results.findIndex((r) => r.image.w !== 640));
      assert.ok(room.length >= 3, `room frames processed: ${room.length}`);
      for (const r of room) {
        assert.deepEqual(r.image, { w: 640, h: 426 });
        const tv = r.detections.find((d) => d.label === 'tv');
        assert.ok(tv && iou(tv.box, [5.5, 166.8, 155.8, 262.4]) > 0.85, `tv box ${tv?.box}`);
        assert.ok(r.detections.some((d) => d.label === 'person'));
        assert.ok(r.detections.every((d) => typeof d.track_id === 'number'));
        const ids = (x: FrameResult) => x.detections.map((d) => `${d.label}#${d.track_id}`).sort();
        assert.deepEqual(ids(r), ids(room[0]!), 'track ids stay with their objects');
        assert.equal(r.model.name, 'yolox_nano');
        assert.ok(r.timing_ms.infer > 0 && r.ts_capture > 0 && r.jpeg.length > 0);
      }
      const tvId = room[0]!.detections.find((d) => d.label === 'tv')!.track_id;
      const tvEvents = events.filter((e) => e.track_id === tvId).map((e) => e.type);
      assert.equal(tvEvents[0], 'new');
      assert.ok(tvEvents.includes('update'), `updates while it stays: ${tvEvents}`);
      assert.equal(tvEvents.at(-1), 'end');
      assert.equal(tvEvents.filter((e) => e === 'new').length, 1);
      assert.ok(results.some((r) => r.image.w === 375 && r.detections.some((d) => d.label === 'stop sign')));

      // stop() as a frame is handed to the model: every frame handed over still gets its result,
      // and nothing comes after; the pipeline no longer uses the detector, so closing it at once
      // is safe.
      let stopped: Promise<void> | null = null;
      let resultsAtStop = 0;
      onDetect = () => {
        onDetect = null;
        resultsAtStop = results.length;
        stopped = pipeline.stop();
      };
      await waitFor('a frame in detection', () => stopped !== null);
      await stopped;
      await detector.close();
      assert.ok(results.length > resultsAtStop, 'the frame in flight finished');
      assert.equal(results.length, handed, 'every frame handed to the model has its result');
      const stats = await pipeline.stats();
      assert.ok(stats.frames.corrupt >= 1, `corrupt camera frames counted: ${JSON.stringify(stats.frames)}`);
      assert.equal(stats.frames.processed, results.length);
      assert.ok(stats.latency_ms.infer && stats.latency_ms.infer.p50 > 0);
      assert.ok(stats.fps > 0);
      t.diagnostic(`stats: ${JSON.stringify({ fps: stats.fps, frames: stats.frames, infer: stats.latency_ms.infer, total: stats.latency_ms.total })}`);
      const after = results.length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(results.length, after, 'no result after stop');
    });
  } finally {
    await detector.close();
  }
});
