import type { Topics } from './topics.js';

export interface DiscoveryMessage {
  topic: string;
  payload: string;
}

/**
 * Home Assistant MQTT discovery: one device with a connectivity sensor (from status), frame rate
 * and inference latency (from stats), and an object count sensor per label.
 */
export function discoveryMessages(opts: {
  topics: Topics;
  discoveryPrefix: string;
  labels: readonly string[];
  version: string;
  model: string;
}): DiscoveryMessage[] {
  const { topics } = opts;
  const node = `argus_${topics.deviceId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const device = { identifiers: [node], name: `argus ${topics.deviceId}`, manufacturer: 'argus', model: opts.model, sw_version: opts.version };
  const availability = { topic: topics.status, value_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' };
  const config = (component: string, objectId: string, body: Record<string, unknown>): DiscoveryMessage => ({
    topic: `${opts.discoveryPrefix}/${component}/${node}/${objectId}/config`,
    payload: JSON.stringify({ unique_id: `${node}_${objectId}`, object_id: `${node}_${objectId}`, device, ...body }),
  });
  return [
    config('binary_sensor', 'status', {
      name: 'Online',
      state_topic: topics.status,
      value_template: '{{ value_json.state }}',
      payload_on: 'online',
      payload_off: 'offline',
      device_class: 'connectivity',
    }),
    config('sensor', 'fps', {
      name: 'Frame rate',
      state_topic: topics.stats,
      value_template: '{{ value_json.fps }}',
      unit_of_measurement: 'fps',
      state_class: 'measurement',
      availability: [availability],
    }),
    config('sensor', 'inference_ms', {
      name: 'Inference latency p50',
      state_topic: topics.stats,
      value_template: '{{ value_json.latency_ms.infer.p50 }}',
      unit_of_measurement: 'ms',
      state_class: 'measurement',
      availability: [availability],
    }),
    ...opts.labels.map((label) =>
      config('sensor', `count_${label.replace(/[^A-Za-z0-9]+/g, '_')}`, {
        name: `${label} count`,
        state_topic: topics.count(label),
        state_class: 'measurement',
        icon: 'mdi:counter',
        availability: [availability],
      }),
    ),
  ];
}
