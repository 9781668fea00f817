import assert from 'node:assert/strict';
import test from 'node:test';
import { parseCommand } from '../../../device/mqtt/commands.js';
import { discoveryMessages } from '../../../device/mqtt/homeassistant.js';
import { payloadJsonSchema } from '../../../device/mqtt/payloads.js';
import { Topics } from '../../../device/mqtt/topics.js';

const b = (s: string) => Buffer.from(s);

test('commands: valid forms parse', () => {
  assert.deepEqual(parseCommand('threshold', b('0.5')), { ok: true, command: { name: 'threshold', args: { value: 0.5 } } });
  assert.deepEqual(parseCommand('threshold', b('{"value":0.2,"id":"r1"}')), { ok: true, command: { name: 'threshold', args: { value: 0.2, id: 'r1' } } });
  assert.deepEqual(parseCommand('snapshot', b('')), { ok: true, command: { name: 'snapshot', args: {} } });
  assert.deepEqual(parseCommand('reload', b('{"precision":"fp32"}')), { ok: true, command: { name: 'reload', args: { precision: 'fp32' } } });
  assert.deepEqual(parseCommand('labels', b('{"labels":null}')), { ok: true, command: { name: 'labels', args: { labels: null } } });
});

test('commands: malformed ones are refused with a reason naming the field, echoing the id', () => {
  assert.deepEqual(parseCommand('explode', b('{}')), { ok: false, error: "unknown command 'explode'. Should be one of: threshold, reload, snapshot, labels" });
  const notJson = parseCommand('threshold', b('{value: 1'));
  assert.equal(notJson.ok, false);
  assert.match((notJson as { error: string }).error, /^payload is not JSON/);
  const tooBig = parseCommand('threshold', b('{"value": 7, "id": 42}'));
  assert.equal(tooBig.ok, false);
  assert.match((tooBig as { error: string }).error, /^field 'value': /);
  assert.equal((tooBig as { id?: number }).id, 42);
  const extra = parseCommand('reload', b('{"modle":"x"}'));
  assert.match((extra as { error: string }).error, /modle/);
  const prec = parseCommand('reload', b('{"precision":"int4"}'));
  assert.match((prec as { error: string }).error, /^field 'precision'/);
});

test('topics and Home Assistant discovery', () => {
  const t = new Topics('argus', 'pi-1');
  assert.equal(t.count('traffic light'), 'argus/pi-1/counts/traffic_light');
  assert.equal(t.commandName('argus/pi-1/cmd/threshold'), 'threshold');
  assert.equal(t.commandName('argus/pi-1/cmd/a/b'), null);
  assert.equal(t.commandName('argus/pi-2/cmd/threshold'), null);
  const msgs = discoveryMessages({ topics: t, discoveryPrefix: 'homeassistant', labels: ['person', 'traffic light'], version: '0.1.0', model: 'coco-nanodet' });
  const topics = msgs.map((m) => m.topic);
  assert.ok(topics.includes('homeassistant/binary_sensor/argus_pi-1/status/config'));
  assert.ok(topics.includes('homeassistant/sensor/argus_pi-1/count_traffic_light/config'));
  const count = JSON.parse(msgs.find((m) => m.topic.endsWith('count_person/config'))!.payload);
  assert.equal(count.state_topic, 'argus/pi-1/counts/person');
  assert.equal(count.unique_id, 'argus_pi-1_count_person');
  assert.deepEqual(count.device.identifiers, ['argus_pi-1']);
});

test('payload JSON Schemas are published for subscribers', () => {
  const s = payloadJsonSchema('detections') as { properties: Record<string, unknown>; required: string[] };
  assert.ok(s.required.includes('detections') && s.required.includes('ts_capture'));
  assert.ok('timing_ms' in s.properties);
});
