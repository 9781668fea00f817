import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { decodeThrottled, FpsMeter, readCpuTemperature, RollingWindow, RuntimeStats } from '../../../device/stats/index.js';

test('rolling percentiles cover only the latest samples', () => {
  const w = new RollingWindow(100);
  assert.equal(w.percentiles([50]), null);
  for (let i = 1; i <= 100; i++) w.push(i);
  assert.deepEqual(w.percentiles([50, 95, 99, 100]), [50, 95, 99, 100]);
  for (let i = 0; i < 100; i++) w.push(1000); // the old samples roll out
  assert.deepEqual(w.percentiles([50, 99]), [1000, 1000]);
  assert.throws(() => new RollingWindow(0), /capacity must be a positive integer, got 0/);
});

test('fps over the window, falling to zero when frames stop', () => {
  const m = new FpsMeter(1000);
  for (let t = 0; t <= 1000; t += 100) m.record(t);
  assert.equal(m.fps(1000), 10);
  assert.equal(m.fps(5000), 0);
});

test('vcgencmd get_throttled decodes into current and since-boot flags', () => {
  const t = decodeThrottled('throttled=0x50005\n');
  assert.equal(t.raw, '0x50005');
  assert.deepEqual(t.now, { under_voltage: true, freq_capped: false, throttled: true, soft_temp_limit: false });
  assert.deepEqual(t.since_boot, { under_voltage: true, freq_capped: false, throttled: true, soft_temp_limit: false });
  assert.deepEqual(decodeThrottled('throttled=0x0').now, { under_voltage: false, freq_capped: false, throttled: false, soft_temp_limit: false });
  assert.throws(() => decodeThrottled('error'), /expected 'throttled=0x…', got 'error'/);
});

test('CPU temperature from a thermal zone file, null without one', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'argus-thermal-')), 'temp');
  writeFileSync(file, '48312\n');
  assert.equal(await readCpuTemperature(file), 48.3);
  assert.equal(await readCpuTemperature('/no/such/zone'), null);
});

test('a snapshot is plain JSON with percentiles per stage, counts and machine state', async () => {
  const stats = new RuntimeStats({ latencyWindow: 10, readTemperature: async () => 51.2, readThrottling: async () => decodeThrottled('throttled=0x0') });
  const empty = await stats.snapshot({ captured: 0, processed: 0, dropped: 0, corrupt: 0, failed: 0, restarts: 0 });
  assert.equal(empty.latency_ms.infer, null);
  const now = Date.now();
  for (let i = 0; i < 10; i++) stats.recordFrame({ decode: 1, pre: 2, infer: 10 + i, post: 1, total: 20 + i }, now - 900 + i * 100);
  const s = await stats.snapshot({ captured: 14, processed: 10, dropped: 3, corrupt: 1, failed: 0, restarts: 0 }, now);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'survives JSON unchanged');
  assert.deepEqual(s.latency_ms.infer, { p50: 14, p95: 19, p99: 19 });
  assert.deepEqual(s.latency_ms.decode, { p50: 1, p95: 1, p99: 1 });
  assert.equal(s.fps, 10);
  assert.equal(s.frames.dropped, 3);
  assert.equal(s.cpu_temp_c, 51.2);
  assert.equal(s.throttling?.now.throttled, false);
  assert.ok(s.memory_mb.rss > 0 && s.memory_mb.heap_used > 0);
});
