import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import mqtt from 'mqtt';
import { DeviceProcess } from '../../helpers/device-process.js';
import { freePort, Mosquitto, Recorder, waitFor } from '../../helpers/mosquitto.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';
import { TestCa } from '../../helpers/test-ca.js';

test('TLS with client certificates, and an ACL that allows the device only argus/<id>/#', async (t) => {
  const image = sharedPath(t, 'data', 'coco128', 'images', 'val2017', '000000000139.jpg');
  if (!image) return;
  const ca = new TestCa();
  const server = ca.issue('broker', '127.0.0.1');
  const device = ca.issue('pi-tls');
  const admin = ca.issue('admin');
  const tlsPort = await freePort();
  const aclFile = join(ca.dir, 'acl');
  writeFileSync(aclFile, 'user pi-tls\ntopic readwrite argus/pi-tls/#\n\nuser admin\ntopic readwrite #\n');
  const broker = await Mosquitto.start(
    `listener ${tlsPort} 127.0.0.1\ncafile ${ca.ca}\ncertfile ${server.cert}\nkeyfile ${server.key}\n` +
      `require_certificate true\nuse_identity_as_username true\nacl_file ${aclFile}\n`,
  );
  t.after(() => broker.stop());
  const url = `mqtts://127.0.0.1:${tlsPort}`;
  const tlsOpts = (c: { cert: string; key: string }) => ({ ca: readFileSync(ca.ca), cert: readFileSync(c.cert), key: readFileSync(c.key) });

  const sub = await Recorder.connect(url, 'argus/#', tlsOpts(admin));
  t.after(() => sub.close());
  const config = join(ca.dir, 'device.yaml');
  writeFileSync(config, `broker:\n  url: ${url}\n  ca: ${ca.ca}\n  cert: ${device.cert}\n  key: ${device.key}\n`);
  const store = await storeWith('yolox_nano');
  const proc = DeviceProcess.start(
    ['--config', config, '--source', `images:${join(image, '..')}`, '--device-id', 'pi-tls', '--model', 'yolox_nano', '--precision', 'fp32'],
    { ARGUS_MODELS: store.dir },
  );
  t.after(() => proc.stop('SIGKILL'));
  await waitFor(() => sub.json('argus/pi-tls/status').some((s) => (s as { state: string }).state === 'online'), 30_000, `online over TLS\n${proc.output}`);
  await waitFor(() => sub.on('argus/pi-tls/detections').length > 0, 30_000, `detections over TLS\n${proc.output}`);

  // The device's certificate may not publish outside its own subtree: the broker drops it.
  const rogue = await mqtt.connectAsync(url, tlsOpts(device) as mqtt.IClientOptions);
  await rogue.publishAsync('argus/other/status', '{"state":"online"}', { qos: 1 });
  await rogue.publishAsync('argus/pi-tls/probe', 'allowed', { qos: 1 });
  await rogue.endAsync();
  await waitFor(() => sub.on('argus/pi-tls/probe').length === 1, 10_000, 'own topic delivered');
  assert.equal(sub.on('argus/other/status').length, 0, 'ACL keeps the device out of other devices\u2019 topics');

  // Without a client certificate the broker refuses the connection.
  await assert.rejects(mqtt.connectAsync(url, { ca: readFileSync(ca.ca), reconnectPeriod: 0, connectTimeout: 5000 }));
  assert.equal(await proc.stop('SIGTERM'), 0);
});
