import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import mqtt from 'mqtt';
import { iou, type Box } from '../../../models/boxes.js';
import { deviceInferenceThreads } from '../../../device/inference/threads.js';
import type { DetectionsPayload, StatsPayload } from '../../../device/mqtt/payloads.js';
import { DeviceProcess } from '../../helpers/device-process.js';
import { Mosquitto, Recorder, waitFor } from '../../helpers/mosquitto.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';
import { makeFakeCamera } from '../sources/fake-camera.js';

const TV_GT: Box = [5.5, 166.8, 155.8, 262.4];

test('camera → detector → mosquitto: detections, counts, stats, commands, broker restart, camera restart, shutdown', async (t) => {
  const image = sharedPath(t, 'data', 'coco128', 'images', 'val2017', '000000000139.jpg');
  if (!image) return;
  const store = await storeWith('yolox_nano');
  const broker = await Mosquitto.start();
  t.after(() => broker.stop());
  // Every 7th frame corrupt; the first camera run dies after 25 frames.
  const camera = makeFakeCamera({ images: [image], fps: 10, corruptEvery: 7, exitAfter: 25 });
  const sub = await Recorder.connect(broker.url, 'argus/e2e/#', { clean: false, clientId: 'e2e-watcher' });
  t.after(() => sub.close());
  const device = DeviceProcess.start(
    ['--source', 'libcamera', '--broker', broker.url, '--device-id', 'e2e', '--model', 'yolox_nano', '--precision', 'fp32', '--threshold', '0.3'],
    { PATH: `${camera.dir}:${process.env.PATH}`, ARGUS_MODELS: store.dir, ARGUS_CONFIG: undefined },
  );
  t.after(() => device.stop('SIGKILL'));
  const fail = (what: string) => `${what}\n--- device output ---\n${device.output.slice(-3000)}`;

  await waitFor(() => sub.json('argus/e2e/status').some((s) => (s as { state: string }).state === 'online'), 30_000, fail('status online'));
  const status = sub.on('argus/e2e/status')[0]!;
  assert.equal(status.retain, false, 'live delivery to an existing subscriber');
  const threads = deviceInferenceThreads();
  assert.ok(device.output.includes(`model yolox_nano (fp32, yolox, 416x416, ${threads} inference thread${threads > 1 ? 's' : ''})`), fail('the default thread count at start'));
  await waitFor(() => sub.on('argus/e2e/detections').length >= 5, 30_000, fail('detections'));
  const d = sub.json('argus/e2e/detections')[0] as DetectionsPayload;
  assert.deepEqual(d.image, { w: 640, h: 426 });
  assert.deepEqual(d.model, { name: 'yolox_nano', precision: 'fp32' });
  const tv = d.detections.find((x) => x.label === 'tv');
  assert.ok(tv && iou(tv.box, TV_GT) > 0.85, `tv box in frame pixels: ${JSON.stringify(tv)}`);
  assert.ok(d.detections.every((x) => x.score >= 0.3));
  assert.ok(typeof tv.track_id === 'number');
  assert.ok(d.ts_publish >= d.ts_capture);
  await waitFor(() => sub.json('argus/e2e/counts/tv').includes(1), 10_000, fail('tv count'));
  await waitFor(() => sub.json('argus/e2e/events').some((e) => (e as { type: string; label: string }).type === 'new'), 10_000, fail('new event'));
  assert.ok(sub.on('homeassistant/sensor/argus_e2e/count_person/config').length === 0, 'discovery is outside argus/#');

  // Commands: good ones act, bad ones get an error reply.
  const cmd = await mqtt.connectAsync(broker.url);
  t.after(() => cmd.endAsync());
  await cmd.publishAsync('argus/e2e/cmd/threshold', '{"value": 7, "id": "bad-1"}');
  await cmd.publishAsync('argus/e2e/cmd/fly', '{}');
  await cmd.publishAsync('argus/e2e/cmd/threshold', 'not json');
  await cmd.publishAsync('argus/e2e/cmd/threshold', '{"value": 0.8, "id": "ok-1"}');
  await cmd.publishAsync('argus/e2e/cmd/snapshot', '');
  await waitFor(() => sub.on('argus/e2e/replies/threshold').length >= 3 && sub.on('argus/e2e/replies/fly').length === 1, 10_000, fail('replies'));
  const replies = sub.json('argus/e2e/replies/threshold') as { ok: boolean; id?: string; error?: string }[];
  assert.deepEqual(replies.map((r) => r.ok), [false, false, true]);
  assert.equal(replies[0]!.id, 'bad-1');
  assert.match(replies[0]!.error!, /field 'value'/);
  assert.match(replies[1]!.error!, /not JSON/);
  assert.match((sub.json('argus/e2e/replies/fly')[0] as { error: string }).error, /unknown command 'fly'\. Should be one of/);
  await waitFor(() => sub.on('argus/e2e/snapshot').length === 1, 10_000, fail('snapshot'));
  assert.equal(sub.on('argus/e2e/snapshot')[0]!.payload.subarray(0, 2).toString('hex'), 'ffd8', 'snapshot is a JPEG');
  const before = sub.on('argus/e2e/detections').length;
  await waitFor(() => sub.on('argus/e2e/detections').length > before + 3, 10_000, fail('detections after threshold'));
  const high = sub.json('argus/e2e/detections').slice(-2) as DetectionsPayload[];
  assert.ok(high.every((p) => p.detections.every((x) => x.score >= 0.8)), 'threshold 0.8 applies');

  // The camera died once (exitAfter) and was restarted; corrupt frames were counted.
  await waitFor(() => camera.runs().length >= 2, 20_000, fail('camera restart'));

  // The broker goes away and comes back: the device reconnects and announces itself again.
  await broker.stop();
  await new Promise((r) => setTimeout(r, 2000));
  await broker.start();
  const onlineBefore = sub.json('argus/e2e/status').length;
  await waitFor(() => sub.json('argus/e2e/status').length > onlineBefore, 30_000, fail('status after broker restart'));
  const n = sub.on('argus/e2e/detections').length;
  await waitFor(() => sub.on('argus/e2e/detections').length > n + 2, 30_000, fail('detections after broker restart'));

  await waitFor(() => sub.on('argus/e2e/stats').length > 0, 20_000, fail('stats'));
  const stats = sub.json('argus/e2e/stats').at(-1) as StatsPayload;
  assert.ok(stats.frames.corrupt >= 1, `corrupt counted: ${JSON.stringify(stats.frames)}`);
  assert.ok(stats.frames.restarts >= 1, `restarts counted: ${JSON.stringify(stats.frames)}`);
  assert.ok(stats.latency_ms.infer && stats.latency_ms.infer.p50 > 0);

  // SIGTERM: clean exit, offline published.
  assert.equal(await device.stop('SIGTERM'), 0, fail('exit code'));
  await waitFor(() => (sub.json('argus/e2e/status').at(-1) as { state: string }).state === 'offline', 10_000, fail('offline'));
});

test('the last will marks a killed device offline; a bad config exits non-zero with the field named', async (t) => {
  const image = sharedPath(t, 'data', 'coco128', 'images', 'val2017', '000000000139.jpg');
  if (!image) return;
  const store = await storeWith('yolox_nano');
  const broker = await Mosquitto.start();
  t.after(() => broker.stop());
  const sub = await Recorder.connect(broker.url, 'argus/will/status');
  t.after(() => sub.close());
  const device = DeviceProcess.start(
    ['--source', `images:${join(image, '..')}`, '--broker', broker.url, '--device-id', 'will', '--model', 'yolox_nano'],
    { ARGUS_MODELS: store.dir },
  );
  t.after(() => device.stop('SIGKILL'));
  await waitFor(() => sub.json('argus/will/status').some((s) => (s as { state: string }).state === 'online'), 30_000, `online\n${device.output}`);
  await device.stop('SIGKILL');
  await waitFor(() => (sub.json('argus/will/status').at(-1) as { state: string }).state === 'offline', 30_000, 'last will');

  const bad = DeviceProcess.start(['--broker', 'http://nope', '--model', 'yolox_nano'], { ARGUS_MODELS: store.dir });
  assert.equal(await bad.exited, 1);
  assert.match(bad.output, /config field 'broker\.url' \(from command-line flags\)/);
  const missing = DeviceProcess.start(['--model', 'nope', '--broker', broker.url], { ARGUS_MODELS: store.dir });
  assert.equal(await missing.exited, 1);
  assert.match(missing.output, /model 'nope' not found in the model store/);
});
