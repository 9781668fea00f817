import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { ConfigError, envLayer, fileLayer, resolveConfig } from '../../device/config/load-config.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-config-'));
const write = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

test('defaults < file < environment < flags', () => {
  const file = fileLayer(write('a.yaml', 'model: from-file\nthreshold: 0.3\nbroker:\n  url: mqtt://10.0.0.1\ncamera:\n  fps: 5\n'));
  const env = envLayer({ ARGUS_THRESHOLD: '0.4', ARGUS_DEVICE_ID: 'pi-env' });
  const c = resolveConfig([file, env, { origin: 'flags', values: { deviceId: 'pi-flag' } }]);
  assert.equal(c.model, 'from-file');
  assert.equal(c.threshold, 0.4);
  assert.equal(c.deviceId, 'pi-flag');
  assert.equal(c.broker.url, 'mqtt://10.0.0.1');
  assert.equal(c.broker.port, 1883);
  assert.deepEqual([c.camera.width, c.camera.height, c.camera.fps, c.camera.loop], [640, 480, 5, true]);
  assert.equal(c.precision, 'int8');
});

test('bad values name the field and where they came from', () => {
  const check = (layers: Parameters<typeof resolveConfig>[0], re: RegExp) =>
    assert.throws(() => resolveConfig(layers), (e: Error) => e instanceof ConfigError && re.test(e.message));
  check([envLayer({ ARGUS_THREADS: 'many' })], /field 'threads' \(from environment\)/);
  check([fileLayer(write('b.yaml', 'camera:\n  widht: 3\n'))], /unknown field 'camera\.widht' \(from config file .*b\.yaml\)/);
  check([{ origin: 'flags', values: { broker: { url: 'http://x' } } }], /field 'broker\.url' \(from flags\): expected 'embedded' or an mqtt/);
  check([{ origin: 'flags', values: { deviceId: 'a/b' } }], /field 'deviceId'.*MQTT topic level/);
  assert.throws(() => fileLayer(write('c.yaml', 'a: [1,')), /c\.yaml: not valid YAML/);
  assert.throws(() => fileLayer(join(dir, 'none.yaml')), /none\.yaml: cannot read it \(ENOENT\)/);
  assert.throws(() => fileLayer(write('d.yaml', '- 1\n- 2\n')), /expected a mapping/);
});

test('argus config print shows the effective config; a bad config exits non-zero', async () => {
  const ok = await runCli(['config', 'print', '--json', '--device-id', 'kitchen', '--broker-port', '1999'], { ARGUS_SOURCE: 'demo' });
  assert.equal(ok.code, 0, ok.stderr);
  const c = JSON.parse(ok.stdout);
  assert.equal(c.deviceId, 'kitchen');
  assert.equal(c.source, 'demo');
  assert.equal(c.broker.port, 1999);
  const bad = await runCli(['config', 'print', '--config', write('e.yaml', 'precision: int4\n')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /field 'precision' \(from config file .*e\.yaml\)/);
});
