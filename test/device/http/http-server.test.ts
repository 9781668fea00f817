import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import test from 'node:test';
import { hideCredentials, HttpServer, health, type DeviceInfo, type DeviceView, type HttpOptionsInput } from '../../../device/http/index.js';
import { httpOptionsSchema } from '../../../device/http/options.js';
import type { StatsPayload } from '../../../device/mqtt/payloads.js';
import type { FrameResult } from '../../../device/pipeline/index.js';
import { isArgusError } from '../../../models/errors.js';
import { projectRoot } from '../../../models/paths.js';
import { waitFor } from '../../helpers/mosquitto.js';
import { jpegWithSeq, MjpegReader } from './mjpeg-reader.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

const CAT = readFileSync(join(projectRoot(), 'device', 'demo', 'chelsea.jpg'));

const INFO: DeviceInfo = {
  device_id: 'bench',
  version: '0.0.0-test',
  source: 'demo',
  started: new Date().toISOString(),
  model: { name: 'fake', family: 'yolox', precision: 'int8', input: { w: 416, h: 416 }, labels: 80 },
};

function stats(): StatsPayload {
  return {
    ts: Date.now(),
    uptime_s: 12,
    fps: 9.5,
    frames: { captured: 120, processed: 100, dropped: 20, corrupt: 1, failed: 0, restarts: 2 },
    latency_ms: { decode: { p50: 3, p95: 4, p99: 5 }, pre: { p50: 1, p95: 1.5, p99: 2 }, infer: { p50: 40, p95: 55.5, p99: 61 }, post: null, total: { p50: 60, p95: 80, p99: 90 } },
    cpu_temp_c: 51.5,
    throttling: {
      raw: '0x50000',
      now: { under_voltage: false, freq_capped: false, throttled: false, soft_temp_limit: false },
      since_boot: { under_voltage: true, freq_capped: false, throttled: true, soft_temp_limit: false },
    },
    memory_mb: { rss: 200, heap_used: 30, heap_total: 40 },
    mqtt: { connected: true, queued: 0, dropped: 3 },
  };
}

const view: DeviceView = { info: () => INFO, stats: async () => stats() };

/** A frame result whose JPEG carries its seq (see `jpegWithSeq`) unless another JPEG is given. */
function frame(seq: number, detections: FrameResult['detections'] = [{ label: 'cat', classId: 15, score: 0.9, box: [10, 10, 400, 290], track_id: 1 }], jpeg = jpegWithSeq(CAT, seq)): FrameResult {
  return { seq, ts_capture: Date.now(), image: { w: 451, h: 300 }, model: { name: 'fake', precision: 'int8' }, detections, timing_ms: { decode: 1, pre: 1, infer: 5, post: 1 }, jpeg };
}

async function serve(t: { after: (fn: () => Promise<void>) => void }, http: HttpOptionsInput = {}, deps = {}): Promise<{ server: HttpServer; url: string }> {
  const server = new HttpServer(httpOptionsSchema.parse({ port: 0, host: '127.0.0.1', ...http }), view, deps);
  await server.listen();
  t.after(() => server.close());
  return { server, url: `http://127.0.0.1:${server.port}` };
}

const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
const tick = () => new Promise((r) => setTimeout(r, 5));

test('page, API, snapshot and metrics answer; unknown paths and methods are refused', async (t) => {
  const { server, url } = await serve(t);
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  const html = await page.text();
  assert.match(html, /<img id="live" src="stream\.mjpeg"/);
  for (const f of ['app.js', 'style.css']) assert.equal((await fetch(`${url}/${f}`)).status, 200, f);
  assert.match((await fetch(`${url}/app.js`)).headers.get('content-type')!, /javascript/);

  assert.equal((await fetch(`${url}/api/detections`)).status, 503, 'no frame yet');
  assert.equal((await fetch(`${url}/snapshot.jpg`)).status, 503);
  server.update(frame(7, undefined, CAT));
  const det = (await (await fetch(`${url}/api/detections`)).json()) as { frame: number; detections: { label: string; box_norm: number[]; track_id: number }[] };
  assert.equal(det.frame, 7);
  assert.equal(det.detections[0]!.label, 'cat');
  assert.equal(det.detections[0]!.track_id, 1);
  assert.equal(det.detections[0]!.box_norm.length, 4);
  const info = (await (await fetch(`${url}/api/info`)).json()) as { model: { name: string }; palette: string[] };
  assert.equal(info.model.name, 'fake');
  assert.ok(info.palette.length >= 16);
  const served = (await (await fetch(`${url}/api/stats`)).json()) as StatsPayload;
  assert.deepEqual({ ...served, ts: 0 }, { ...stats(), ts: 0 }, 'the same JSON as argus/<id>/stats');

  const snap = await fetch(`${url}/snapshot.jpg`);
  assert.equal(snap.headers.get('content-type'), 'image/jpeg');
  const annotated = Buffer.from(await snap.arrayBuffer());
  assert.equal(annotated.subarray(0, 2).toString('hex'), 'ffd8');
  assert.notDeepEqual(annotated, CAT, 'boxes drawn');
  assert.deepEqual(Buffer.from(await (await fetch(`${url}/snapshot.jpg?raw=1`)).arrayBuffer()), CAT, 'raw is the camera frame');

  const missing = await fetch(`${url}/nope`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /not found: \/nope; this device serves \/, .*\/healthz, \/metrics/);
  const post = await fetch(`${url}/api/stats`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.equal((await fetch(`${url}/`)).headers.get('x-content-type-options'), 'nosniff');
});

test('/metrics is strict Prometheus text: HELP and TYPE for every family, escaped labels, seconds', async (t) => {
  const { server, url } = await serve(t);
  server.update(frame(1, [
    { label: 'cat', classId: 15, score: 0.9, box: [0, 0, 10, 10] },
    { label: 'say "hi"\\ \nnow', classId: 3, score: 0.5, box: [0, 0, 10, 10] },
  ]));
  server.update(frame(2));
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  const m = parsePrometheusText(text);
  for (const f of m.values()) {
    assert.ok(f.help && f.type && f.type !== 'untyped', `${f.name} has HELP and TYPE`);
    if (f.type === 'counter') assert.match(f.name, /_total$/, `${f.name}: counters end in _total`);
  }
  assert.equal(sampleValue(m, 'argus_frames_processed_total'), 100);
  assert.equal(sampleValue(m, 'argus_frames_dropped_total'), 20);
  assert.equal(sampleValue(m, 'argus_frames_corrupt_total'), 1);
  assert.equal(sampleValue(m, 'argus_camera_restarts_total'), 2);
  assert.equal(sampleValue(m, 'argus_fps'), 9.5);
  assert.equal(sampleValue(m, 'argus_latency_seconds', { stage: 'infer', quantile: '0.95' }), 0.0555);
  assert.equal(sampleValue(m, 'argus_latency_seconds', { stage: 'post' }), undefined, 'no sample for a stage without frames');
  assert.equal(m.get('argus_latency_seconds')!.samples.length, 12);
  assert.equal(sampleValue(m, 'argus_detections_total', { label: 'cat' }), 2);
  assert.equal(sampleValue(m, 'argus_detections_total', { label: 'say "hi"\\ \nnow' }), 1, 'label value escaped and read back');
  assert.equal(sampleValue(m, 'argus_objects', { label: 'say "hi"\\ \nnow' }), 0, 'gone from the latest frame');
  assert.equal(sampleValue(m, 'argus_cpu_temperature_celsius'), 51.5);
  assert.equal(sampleValue(m, 'argus_throttling', { flag: 'under_voltage', period: 'since_boot' }), 1);
  assert.equal(sampleValue(m, 'argus_mqtt_connected'), 1);
  assert.equal(sampleValue(m, 'argus_model_info', { name: 'fake', precision: 'int8', input: '416x416' }), 1);
  assert.ok(sampleValue(m, 'argus_memory_rss_bytes')! > 1e6);
  assert.ok(Math.abs(sampleValue(m, 'argus_last_frame_timestamp_seconds')! - Date.now() / 1000) < 5);
});

test('the Prometheus test parser refuses what Prometheus would', () => {
  const bad = [
    'x 1',
    'x{a="1} 1\n',
    'x{a="\\t"} 1\n',
    'x{a=1} 1\n',
    'x one\n',
    '# TYPE x counter\nx 1\n# TYPE x gauge\n',
    'x 1\n# TYPE x counter\n',
    '# TYPE x counter\nx 1\n# TYPE y gauge\ny 1\nx{a="b"} 2\n',
    '# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n',
    '# TYPE x counter\nx -1\n',
    '# TYPE x wibble\n',
    '1x 1\n',
  ];
  for (const text of bad) assert.throws(() => parsePrometheusText(text), Error, JSON.stringify(text));
  const good = parsePrometheusText('# HELP x a \\\\ b\\nc\n# TYPE x summary\nx{quantile="0.5"} NaN\nx_sum +Inf 1700000000000\nx_count 3\n\n# other comment\ny{a="",} -Inf\n');
  assert.equal(good.get('x')!.help, 'a \\ b\nc');
  assert.equal(good.get('x')!.samples.length, 3);
  assert.equal(good.get('y')!.type, 'untyped');
});

test('frames are drawn only while someone watches, each once however many watch', async (t) => {
  let drawn = 0;
  const annotate = async (jpeg: Buffer) => {
    drawn++;
    return jpeg;
  };
  const { server, url } = await serve(t, {}, { annotate });
  for (let i = 1; i <= 5; i++) server.update(frame(i));
  await tick();
  assert.equal(drawn, 0, 'nobody watching: nothing drawn');

  await fetch(`${url}/snapshot.jpg`);
  await fetch(`${url}/snapshot.jpg`);
  assert.equal(drawn, 1, 'two snapshots of one frame: drawn once');

  const a = await MjpegReader.open(`${url}/stream.mjpeg`);
  const b = await MjpegReader.open(`${url}/stream.mjpeg`);
  t.after(() => (a.close(), b.close()));
  await waitFor(() => a.parts.length >= 1 && b.parts.length >= 1, 5000, 'the current frame at once');
  assert.equal(a.parts[0]!.seq, 5);
  assert.equal(drawn, 1, 'the current frame was already drawn');
  for (let i = 6; i <= 10; i++) {
    server.update(frame(i));
    await waitFor(() => a.parts.at(-1)!.seq === i && b.parts.at(-1)!.seq === i, 5000, `frame ${i} on both streams`);
  }
  assert.equal(drawn, 6, 'frames 6..10 drawn once each for two viewers');
  assert.ok(a.parts.every((p) => p.jpeg.subarray(0, 2).toString('hex') === 'ffd8'));
  assert.equal(a.error ?? b.error, null);
  assert.deepEqual(
    a.parts.map((p) => p.seq),
    [5, 6, 7, 8, 9, 10],
  );

  a.close();
  b.close();
  await waitFor(async () => parseViewers(await (await fetch(`${url}/metrics`)).text()) === 0, 5000, 'viewers gone');
  for (let i = 11; i <= 15; i++) server.update(frame(i));
  await tick();
  assert.equal(drawn, 6, 'nobody watching again: nothing drawn');
});

function parseViewers(text: string): number | undefined {
  return sampleValue(parsePrometheusText(text), 'argus_http_stream_viewers');
}

test('a viewer that stops reading holds at most one frame, and then gets the newest, not a backlog', async (t) => {
  const { server, url } = await serve(t, {}, { annotate: async (jpeg: Buffer) => jpeg });
  const port = Number(new URL(url).port);
  const socket = connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  let received = 0;
  socket.on('data', (d) => (received += d.length));
  await new Promise((r) => socket.once('connect', r));
  socket.write('GET /stream.mjpeg HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor(() => received > 0, 5000, 'stream headers');
  socket.pause();

  // 100 frames of 400 kB: 40 MB if they queued up.
  for (let seq = 1; seq <= 100; seq++) {
    server.update(frame(seq, [], jpegWithSeq(CAT, seq, 400_000)));
    await tick();
  }
  const buffered = server.viewerBuffers();
  assert.equal(buffered.length, 1);
  const size = jpegWithSeq(CAT, 100, 400_000).length;
  assert.ok(buffered[0]! <= 2 * size, `a paused viewer holds ${buffered[0]} bytes in Node (one frame is ${size})`);
  const skipped = sampleValue(parsePrometheusText(await (await fetch(`${url}/metrics`)).text()), 'argus_http_stream_skipped_frames_total')!;
  assert.ok(skipped >= 50, `skipped ${skipped} frames for the slow viewer`);

  // Reading again: the stream catches up with frame 100 and ends its backlog quickly.
  let tail = '';
  socket.on('data', (d: Buffer) => (tail = (tail + d.toString('latin1')).slice(-2_000_000)));
  socket.resume();
  await waitFor(() => tail.includes('seq=100;'), 10_000, 'the newest frame after resuming');
  const frames = [...tail.matchAll(/seq=(\d+);/g)].map((m) => Number(m[1]));
  assert.ok(frames.length < 20, `after resuming, ${frames.length} frames came, not a backlog of ~100`);
});

test('basic auth guards everything but /healthz; the password may hold a colon', async (t) => {
  const { server, url } = await serve(t, { username: 'viewer', password: 'p@ss:word', healthWindowS: 0.2 });
  for (const path of ['/', '/metrics', '/api/stats', '/snapshot.jpg', '/stream.mjpeg', '/nope']) {
    const res = await fetch(`${url}${path}`);
    assert.equal(res.status, 401, path);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="argus", charset="UTF-8"');
  }
  assert.equal((await fetch(`${url}/`, { headers: basic('viewer', 'wrong') })).status, 401);
  assert.equal((await fetch(`${url}/`, { headers: basic('viewer', 'p@ss') })).status, 401);
  assert.equal((await fetch(`${url}/`, { headers: { authorization: 'Basic !!!' } })).status, 401);
  assert.equal((await fetch(`${url}/`, { headers: basic('viewer', 'p@ss:word') })).status, 200);

  const before = await fetch(`${url}/healthz`);
  assert.equal(before.status, 503, 'no frame yet, and no password needed');
  assert.match(((await before.json()) as { reason: string }).reason, /^no frame processed yet \(started [\d.]+ s ago\)$/);
  server.update(frame(1));
  const ok = await fetch(`${url}/healthz`);
  assert.equal(ok.status, 200);
  assert.deepEqual(Object.keys((await ok.json()) as object).sort(), ['frames_processed', 'last_frame_age_s', 'status', 'window_s']);
  await new Promise((r) => setTimeout(r, 400));
  const stale = await fetch(`${url}/healthz`);
  assert.equal(stale.status, 503);
  assert.match(((await stale.json()) as { reason: string }).reason, /^no frame processed in the last 0\.2 s \(the latest 0\.[4-9]/);
});

test('a source URL shows without its password', () => {
  assert.equal(hideCredentials('rtsp://admin:secret@10.0.0.9:554/stream1'), 'rtsp://***@10.0.0.9:554/stream1');
  assert.equal(hideCredentials('rtsp://10.0.0.9/a@b'), 'rtsp://10.0.0.9/a@b');
  assert.equal(hideCredentials('video:/clips/a@b.mp4'), 'video:/clips/a@b.mp4');
  assert.equal(hideCredentials('demo'), 'demo');
});

test('health: ok within the window, the reason when not', () => {
  assert.deepEqual(health(null, 0, 1000, 10, 3500), { status: 'unhealthy', reason: 'no frame processed yet (started 2.5 s ago)', last_frame_age_s: null, window_s: 10, frames_processed: 0 });
  assert.equal(health(5000, 3, 1000, 10, 15000).status, 'ok', 'exactly at the window edge');
  const h = health(5000, 3, 1000, 10, 15100);
  assert.equal(h.status, 'unhealthy');
  assert.equal(h.last_frame_age_s, 10.1);
  assert.equal(health(5000, 3, 1000, 10, 15001).last_frame_age_s, 10.1, 'a stale age rounds up, never to the window itself');
});

test('a port in use is an error naming it; config refuses half of basic auth; close ends open streams', async (t) => {
  const blocker: Server = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as { port: number }).port;
  const clash = new HttpServer(httpOptionsSchema.parse({ port, host: '127.0.0.1' }), view);
  await assert.rejects(clash.listen(), (e: Error) => {
    assert.ok(isArgusError(e));
    assert.equal(e.message, `web page: port ${port} is already in use (127.0.0.1:${port}): choose another with --http-port or http.port in the config, or turn the page off with --no-http`);
    return true;
  });

  assert.throws(() => httpOptionsSchema.parse({ username: 'me' }), /basic auth needs both username and password/);
  assert.throws(() => httpOptionsSchema.parse({ prot: 1 }), /prot/);

  const { server, url } = await serve(t);
  server.update(frame(1));
  const reader = await MjpegReader.open(`${url}/stream.mjpeg`);
  await waitFor(() => reader.parts.length === 1, 5000, 'a frame');
  const started = Date.now();
  await server.close();
  await reader.ended();
  assert.ok(Date.now() - started < 2000, 'close does not wait for viewers to leave');
});

test('missing page files: an error page naming the folder; the endpoints still answer', async (t) => {
  const { url } = await serve(t, {}, { publicDir: '/nonexistent/argus-public' });
  const res = await fetch(`${url}/`);
  assert.equal(res.status, 500);
  assert.match(await res.text(), /the web page's files in \/nonexistent\/argus-public cannot be read \(ENOENT\)/);
  assert.equal((await fetch(`${url}/healthz`)).status, 503);
  assert.equal((await fetch(`${url}/metrics`)).status, 200);
});
