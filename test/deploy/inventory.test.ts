import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { hostSpecs, readInventory } from '../../deploy/fleet/inventory.js';

function file(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'argus-inv-')), 'hosts.yaml');
  writeFileSync(f, text);
  return f;
}

test('an inventory merges defaults < command-line flags < the host entry', () => {
  const inv = readInventory(
    file(`defaults:
  broker: mqtt://10.0.0.5:1883
  source: libcamera
  env: { ARGUS_THRESHOLD: "0.4" }
hosts:
  - pi@kitchen
  - host: garage
    deviceId: garage-cam
    source: v4l2:/dev/video0
    env: { ARGUS_LABELS: person }
`),
  );
  const specs = hostSpecs(['pi@porch'], { broker: 'mqtt://broker.lan:1883' }, inv);
  assert.deepEqual(specs, [
    { host: 'pi@porch', broker: 'mqtt://broker.lan:1883', source: 'libcamera', env: { ARGUS_THRESHOLD: '0.4' } },
    { host: 'pi@kitchen', broker: 'mqtt://broker.lan:1883', source: 'libcamera', env: { ARGUS_THRESHOLD: '0.4' } },
    { host: 'garage', broker: 'mqtt://broker.lan:1883', source: 'v4l2:/dev/video0', deviceId: 'garage-cam', env: { ARGUS_THRESHOLD: '0.4', ARGUS_LABELS: 'person' } },
  ]);
});

test('a bad inventory names the file and the field', () => {
  assert.throws(() => readInventory(file('hosts:\n  - host: a\n    devceId: x\n')), /hosts\.yaml: field 'hosts\.0': .*devceId/s);
  assert.throws(() => readInventory(file('hosts:\n  - host: a\n    broker: tcp://x\n')), /field 'hosts\.0\.broker': expected an mqtt:\/\//);
  assert.throws(() => readInventory(file('hosts: []\n')), /field 'hosts'/);
  assert.throws(() => readInventory(join(tmpdir(), 'argus-no-such-inventory.yaml')), /cannot read the inventory/);
});

test('a host or a device id listed twice is refused', () => {
  assert.throws(() => hostSpecs(['a', 'a'], {}), /host 'a' is listed twice/);
  const inv = readInventory(file('hosts:\n  - { host: a, deviceId: cam }\n  - { host: b, deviceId: cam }\n'));
  assert.throws(() => hostSpecs([], {}, inv), /device id 'cam' is given to two hosts/);
});
