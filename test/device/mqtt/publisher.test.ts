import assert from 'node:assert/strict';
import test from 'node:test';
import { MqttPublisher } from '../../../device/mqtt/publisher.js';
import { Topics } from '../../../device/mqtt/topics.js';
import { Mosquitto, Recorder, waitFor } from '../../helpers/mosquitto.js';

test('publisher: queue bound while the broker is away, retained topics coalesce, flush on reconnect', async (t) => {
  const broker = await Mosquitto.start();
  t.after(() => broker.stop());
  const topics = new Topics('argus', 'dev1');
  const pub = new MqttPublisher({
    connection: { url: broker.url, clientId: 'argus-dev1' },
    topics,
    willPayload: JSON.stringify({ state: 'offline' }),
    queueSize: 5,
    reconnectMs: 100,
    maxReconnectMs: 400,
  });
  pub.start();
  t.after(() => pub.stop());
  await waitFor(() => pub.connected, 5000, 'publisher connected');
  pub.publish(topics.status, JSON.stringify({ state: 'online' }), 1, true);

  const sub = await Recorder.connect(broker.url, 'argus/dev1/#', { clean: false, clientId: 'watcher1' });
  t.after(() => sub.close());
  await waitFor(() => sub.json(topics.status).length > 0, 5000, 'retained status');

  await broker.stop();
  await waitFor(() => !pub.connected, 5000, 'publisher sees the broker go');
  for (let i = 0; i < 12; i++) pub.publish(topics.detections, JSON.stringify({ i }), 0);
  for (let i = 0; i < 3; i++) pub.publish(topics.count('person'), String(i), 1, true);
  assert.equal(pub.dropped, 7, 'the queue keeps 5 of 12');
  assert.equal(pub.queued, 6, '5 queued + 1 retained');

  await broker.start();
  await waitFor(() => pub.connected, 10_000, 'publisher reconnects');
  await waitFor(() => sub.json(topics.detections).length >= 5, 10_000, 'queued messages arrive');
  assert.deepEqual(sub.json(topics.detections), [7, 8, 9, 10, 11].map((i) => ({ i })), 'the newest 5, in order');
  await waitFor(() => sub.json(topics.count('person')).length >= 1, 5000, 'retained count');
  assert.deepEqual(sub.json(topics.count('person')), [2], 'only the latest retained value');
  assert.equal(pub.queued, 0);

  await pub.stop({ topic: topics.status, payload: JSON.stringify({ state: 'offline' }) });
  await waitFor(() => sub.json(topics.status).some((s) => (s as { state: string }).state === 'offline'), 5000, 'offline status');
});

test('publisher: the broker publishes the last will when the device vanishes', async (t) => {
  const broker = await Mosquitto.start();
  t.after(() => broker.stop());
  const topics = new Topics('argus', 'dev2');
  const pub = new MqttPublisher({
    connection: { url: broker.url, clientId: 'argus-dev2' },
    topics,
    willPayload: JSON.stringify({ state: 'offline', model: 'm' }),
    queueSize: 10,
  });
  pub.start();
  t.after(() => pub.stop());
  await waitFor(() => pub.connected, 5000, 'connected');
  const sub = await Recorder.connect(broker.url, topics.status);
  t.after(() => sub.close());
  // Cut the socket without DISCONNECT, as a crash or a pulled cable would.
  (pub as unknown as { client: { stream: { destroy(): void }; options: { reconnectPeriod: number } } }).client.options.reconnectPeriod = 60_000;
  (pub as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
  await waitFor(() => sub.json(topics.status).length > 0, 5000, 'last will');
  assert.deepEqual(sub.json(topics.status)[0], { state: 'offline', model: 'm' });
});
