import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import type { Health } from '../../../device/http/index.js';
import { runCli } from '../../helpers/cli.js';
import { DeviceProcess } from '../../helpers/device-process.js';
import { freePort, waitFor } from '../../helpers/mosquitto.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';
import { MjpegReader } from './mjpeg-reader.js';
import { PausableCamera } from './pausable-camera.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

const AUTH = { authorization: `Basic ${Buffer.from('viewer:p@ss:word').toString('base64')}` };

async function healthz(base: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

test('a running device: /healthz turns 503 when the camera goes silent and 200 when it is back; metrics, auth, snapshot, stream, SIGTERM', async (t) => {
  const image = sharedPath(t, 'data', 'coco128', 'images', 'val2017', '000000000139.jpg');
  if (!image) return;
  const store = await storeWith('yolox_nano');
  const camera = new PausableCamera(image, 10);
  const config = join(mkdtempSync(join(tmpdir(), 'argus-http-e2e-')), 'argus.yaml');
  // The camera hangs rather than dies; a long stall timeout keeps argus from restarting it meanwhile.
  writeFileSync(config, 'camera:\n  stallTimeoutMs: 600000\nhttp:\n  healthWindowS: 1.5\n  username: viewer\n  password: "p@ss:word"\n');
  const httpPort = await freePort();
  const device = DeviceProcess.start(
    ['--config', config, '--source', 'libcamera', '--broker-port', String(await freePort()), '--http-port', String(httpPort), '--device-id', 'web-e2e', '--model', 'yolox_nano', '--precision', 'fp32', '--threshold', '0.3'],
    { PATH: `${camera.dir}:${process.env.PATH}`, ARGUS_MODELS: store.dir, ARGUS_CONFIG: undefined },
  );
  t.after(() => device.stop('SIGKILL'));
  const fail = (what: string) => `${what}\n--- device output ---\n${device.output.slice(-3000)}`;
  const base = `http://127.0.0.1:${httpPort}`;

  await waitFor(async () => (await healthz(base).catch(() => null))?.status === 200, 60_000, fail('/healthz 200'));
  assert.match(device.output, new RegExp(`web page on http://localhost:${httpPort}/`));

  // Everything but /healthz asks for the password.
  const locked = await fetch(`${base}/metrics`);
  assert.equal(locked.status, 401, fail('metrics without a password'));
  assert.match(locked.headers.get('www-authenticate')!, /^Basic realm="argus"/);

  await waitFor(async () => (await (await fetch(`${base}/api/stats`, { headers: AUTH })).json() as { latency_ms: { infer: unknown } }).latency_ms.infer, 10_000, 'latency');
  const metrics = parsePrometheusText(await (await fetch(`${base}/metrics`, { headers: AUTH })).text());
  for (const f of metrics.values()) assert.ok(f.help && f.type, `${f.name} has HELP and TYPE`);
  assert.ok(sampleValue(metrics, 'argus_frames_processed_total')! > 0);
  assert.ok(sampleValue(metrics, 'argus_detections_total', { label: 'tv' })! > 0, 'the tv in the picture is counted');
  assert.equal(sampleValue(metrics, 'argus_objects', { label: 'tv' }), 1);
  assert.ok(sampleValue(metrics, 'argus_latency_seconds', { stage: 'infer', quantile: '0.5' })! > 0);
  assert.equal(sampleValue(metrics, 'argus_mqtt_connected'), 1, 'the embedded broker');
  assert.equal(sampleValue(metrics, 'argus_model_info', { name: 'yolox_nano', family: 'yolox', precision: 'fp32', input: '416x416' }), 1);
  assert.equal(sampleValue(metrics, 'argus_info', { device_id: 'web-e2e', source: 'libcamera' }), 1);
  assert.ok(sampleValue(metrics, 'argus_memory_rss_bytes')! > 10e6);

  const detections = (await (await fetch(`${base}/api/detections`, { headers: AUTH })).json()) as { image: unknown; detections: { label: string }[] };
  assert.deepEqual(detections.image, { w: 640, h: 426 });
  assert.ok(detections.detections.some((d) => d.label === 'tv'));
  const raw = Buffer.from(await (await fetch(`${base}/snapshot.jpg?raw`, { headers: AUTH })).arrayBuffer());
  assert.deepEqual(raw, readFileSync(image), 'the raw snapshot is the camera frame');
  const drawn = Buffer.from(await (await fetch(`${base}/snapshot.jpg`, { headers: AUTH })).arrayBuffer());
  assert.equal(drawn.subarray(0, 2).toString('hex'), 'ffd8');
  assert.notDeepEqual(drawn, raw, 'the snapshot has the boxes drawn');

  const stream = await MjpegReader.open(`${base}/stream.mjpeg`, AUTH);
  t.after(() => stream.close());
  await waitFor(() => stream.parts.length >= 3, 15_000, fail('three live frames'));
  assert.equal(stream.error, null);

  // The camera hangs: unhealthy once the window has passed, with the reason.
  camera.pause();
  const down = await waitFor(async () => {
    const h = await healthz(base);
    return h.status === 503 && h;
  }, 10_000, fail('/healthz 503 after the camera stopped'));
  assert.equal(down.body.status, 'unhealthy');
  assert.match(down.body.reason!, /^no frame processed in the last 1\.5 s \(the latest [\d.]+ s ago\): is the camera delivering frames\?$/);
  assert.ok(down.body.last_frame_age_s! > 1.5);
  camera.resume();
  await waitFor(async () => (await healthz(base)).status === 200, 10_000, fail('/healthz 200 after the camera came back'));

  // SIGTERM with a viewer still watching: the stream ends and the device exits cleanly.
  const ended = stream.ended();
  assert.equal(await device.stop('SIGTERM'), 0, fail('exit code'));
  await ended;
});

test('an HTTP port in use stops the start with the port named; --no-http and --http-port set the config', async (t) => {
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, () => r()));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as { port: number }).port;
  const device = DeviceProcess.start(['--source', 'demo', '--broker-port', String(await freePort()), '--http-port', String(port), '--model', 'yolox_nano', '--precision', 'fp32'], {
    ARGUS_MODELS: store.dir,
    ARGUS_CONFIG: undefined,
  });
  t.after(() => device.stop('SIGKILL'));
  assert.equal(await device.exited, 1, device.output);
  assert.match(device.output, new RegExp(`web page: port ${port} is already in use \\(0\\.0\\.0\\.0:${port}\\): choose another with --http-port`));

  const print = async (...flags: string[]) => {
    const r = await runCli(['config', 'print', '--json', ...flags], { ARGUS_CONFIG: '' });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { http: Record<string, unknown> }).http;
  };
  assert.deepEqual(await print(), { enabled: true, port: 8080, host: '0.0.0.0', healthWindowS: 10 });
  assert.deepEqual(await print('--no-http', '--http-port', '9000'), { enabled: false, port: 9000, host: '0.0.0.0', healthWindowS: 10 });
  const bad = await runCli(['config', 'print', '--http-port', '70000'], { ARGUS_CONFIG: '' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--http-port.*expected an integer from 0 to 65535, got '70000'/);
});
