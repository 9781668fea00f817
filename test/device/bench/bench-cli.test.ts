import assert from 'node:assert/strict';
import test from 'node:test';
import { BENCH_STAGES, type BenchReport } from '../../../device/bench/index.js';
import { deviceInferenceThreads } from '../../../device/inference/threads.js';
import { runCli } from '../../helpers/cli.js';
import { Mosquitto, Recorder, waitFor } from '../../helpers/mosquitto.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

/** A few frames, one thread: structure and sanity, no timing assertions. */
function benchArgs(modelsDir: string, video: string, precision: string, more: string[] = []): string[] {
  return ['--models-dir', modelsDir, 'bench', '--model', 'nanodet_m_320', '--precision', precision, '--threads', '1', '--runs', '3', '--warmup', '1', '--source', `video:${video}`, '--json', ...more];
}

function checkReport(b: BenchReport): void {
  assert.equal(b.kind, 'argus-bench');
  assert.equal(b.model.name, 'nanodet_m_320');
  assert.equal(b.source.width, 480);
  assert.ok(b.cost.params > 900_000 && b.cost.macs > 300e6, `cost ${JSON.stringify(b.cost)}`);
  assert.equal(b.runs.length, 1);
  const r = b.runs[0]!;
  assert.equal(r.precision, 'fp32');
  assert.equal(r.threads, 1);
  for (const s of BENCH_STAGES) {
    const st = r.stages[s];
    assert.ok(st.min >= 0 && st.min <= st.p50 && st.p50 <= st.p90 && st.p90 <= st.p99, `stage ${s}: ${JSON.stringify(st)}`);
    assert.ok(st.mean > 0, s);
  }
  assert.ok(r.stages.infer.p50 > 0);
  assert.ok(r.inference_alone.p50 > 0);
  assert.ok(r.pipeline.p50 > 0 && r.pipeline.fps > 0 && r.pipeline.frame_ms > 0);
  assert.equal(r.pipeline.frames, 3);
  assert.equal(r.pipeline.dropped + r.pipeline.corrupt + r.pipeline.failed, 0);
  assert.ok(r.overhead_ratio > 0 && r.sequential.overhead_ratio > 0);
  assert.ok(r.gops > 0);
  assert.ok(r.peak_rss_mb > 0 && b.peak_rss_mb >= r.peak_rss_mb * 0.5);
  assert.ok(r.machine.before.load_avg_1m >= 0 && 'cpu_temp_c' in r.machine.after && 'throttling' in r.machine.after);
  assert.ok(r.pipeline.cpu_ms_per_frame > 0 && r.pipeline.model_busy > 0);
  assert.equal(b.settings.worker, true);
  assert.equal(b.settings.device_threads, deviceInferenceThreads());
  assert.deepEqual(b.int8_vs_fp32, []);
}

test('argus bench --json: one object with the documented fields, positive numbers; int8 skipped with a note when the model has none', async (t) => {
  const video = sharedPath(t, 'data', 'videos', 'vtest_480x360.mp4');
  if (!video) return;
  const store = await storeWith('nanodet_m_320');
  const r = await runCli(benchArgs(store.dir, video, 'fp32,int8'));
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as BenchReport;
  checkReport(report);
  assert.deepEqual(report.model.precisions, ['fp32']);
  assert.ok(report.notes.some((n) => /model 'nanodet_m_320' has no int8 file .*: int8 skipped, fp32 only/.test(n)), `notes: ${report.notes}`);
});

test('argus bench --publish delivers the report to argus/<id>/bench, frames to …/bench/detections', async (t) => {
  const video = sharedPath(t, 'data', 'videos', 'vtest_480x360.mp4');
  if (!video) return;
  const broker = await Mosquitto.start();
  const rec = await Recorder.connect(broker.url, 'argus/bench-test/#');
  try {
    const store = await storeWith('nanodet_m_320');
    const r = await runCli(benchArgs(store.dir, video, 'fp32', ['--publish', '--broker', broker.url, '--device-id', 'bench-test']));
    assert.equal(r.code, 0, r.stderr);
    const [report] = await waitFor(() => rec.json('argus/bench-test/bench'), 10_000, 'the bench report');
    assert.deepEqual(report, JSON.parse(r.stdout), 'the same object as printed');
    assert.ok(rec.on('argus/bench-test/bench')[0]!.retain === false, 'a live subscriber gets it as a new message');
    checkReport(report as BenchReport);
    assert.equal((report as BenchReport).settings.publish, 'mqtt');
    assert.ok(rec.json('argus/bench-test/bench/detections').length >= 3, 'each measured frame published');
  } finally {
    await rec.close();
    await broker.stop();
  }
});

test('argus bench refuses int8 for a model without an int8 file, and an unreachable broker, before measuring', async (t) => {
  if (!sharedPath(t, 'models', 'nanodet_m_320.onnx')) return;
  const store = await storeWith('nanodet_m_320');
  const int8 = await runCli(['--models-dir', store.dir, 'bench', '--model', 'nanodet_m_320', '--precision', 'int8', '--runs', '2']);
  assert.equal(int8.code, 1);
  assert.match(int8.stderr, /model 'nanodet_m_320' has no int8 file \(make one with `argus quantize`\)/);
  const noBroker = await runCli(['--models-dir', store.dir, 'bench', '--model', 'nanodet_m_320', '--publish', '--broker', 'mqtt://127.0.0.1:1', '--runs', '2']);
  assert.equal(noBroker.code, 1);
  assert.match(noBroker.stderr, /--publish: cannot connect to the MQTT broker mqtt:\/\/127\.0\.0\.1:1/);
});
