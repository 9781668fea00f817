import type { StatsPayload } from '../mqtt/payloads.js';
import { STAGES } from '../stats/index.js';
import type { LabelTally } from './label-tally.js';
import type { DeviceInfo } from './types.js';

/** Everything `/metrics` reports, gathered by the server for one scrape. */
export interface MetricsInput {
  info: DeviceInfo;
  /** null while the pipeline is not running yet: the frame and latency families stay empty. */
  stats: StatsPayload | null;
  labels: LabelTally;
  /** When the latest frame was processed, ms since the epoch; null before the first. */
  lastFrameAt: number | null;
  stream: { viewers: number; skipped: number };
  memory: { rss: number; heapUsed: number };
}

type Labels = Record<string, string>;
type Sample = [Labels, number];

/** Label values escaped as the text format asks: backslash, double quote and newline. */
function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The Prometheus text exposition format (version 0.0.4), one family at a time. */
class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge', help: string, samples: Sample[] | number | null): void {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    const list: Sample[] = samples === null ? [] : typeof samples === 'number' ? [[{}, samples]] : samples;
    for (const [labels, value] of list) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${labelValue(v)}"`);
      this.lines.push(`${name}${l.length ? `{${l.join(',')}}` : ''} ${formatValue(value)}`);
    }
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const QUANTILES = [
  ['p50', '0.5'],
  ['p95', '0.95'],
  ['p99', '0.99'],
] as const;

/** `/metrics`: frame counters, fps, latency per stage, detections per label, temperature, memory, MQTT. */
export function renderMetrics(m: MetricsInput): string {
  const e = new Exposition();
  const s = m.stats;
  const { info } = m;
  e.family('argus_info', 'gauge', 'The device: its id, argus version and camera source (always 1).', [
    [{ device_id: info.device_id, version: info.version, source: info.source }, 1],
  ]);
  e.family('argus_model_info', 'gauge', 'The model in use (always 1).', [
    [{ name: info.model.name, family: info.model.family, precision: info.model.precision, input: `${info.model.input.w}x${info.model.input.h}` }, 1],
  ]);
  e.family('argus_uptime_seconds', 'gauge', 'Seconds since the runtime started.', s && s.uptime_s);

  const frames: [string, keyof StatsPayload['frames'], string][] = [
    ['argus_frames_captured_total', 'captured', 'Frames the camera source handed out.'],
    ['argus_frames_processed_total', 'processed', 'Frames with a detection result.'],
    ['argus_frames_dropped_total', 'dropped', 'Frames replaced by a newer one before inference could take them.'],
    ['argus_frames_corrupt_total', 'corrupt', 'Frames skipped as undecodable.'],
    ['argus_frames_failed_total', 'failed', 'Frames lost to an inference error.'],
    ['argus_camera_restarts_total', 'restarts', 'Times the camera process was started again.'],
  ];
  for (const [name, key, help] of frames) e.family(name, 'counter', help, s && s.frames[key]);
  e.family('argus_fps', 'gauge', 'Frames processed per second over the last few seconds.', s && s.fps);
  e.family(
    'argus_latency_seconds',
    'gauge',
    'Latency quantiles over the latest frames per stage (decode, pre, infer, post; total is capture to result).',
    s
      ? STAGES.flatMap((stage) => {
          const p = s.latency_ms[stage];
          return p ? QUANTILES.map(([k, q]): Sample => [{ stage, quantile: q }, +(p[k] / 1000).toFixed(6)]) : [];
        })
      : null,
  );
  e.family(
    'argus_last_frame_timestamp_seconds',
    'gauge',
    'When the latest frame was processed, seconds since the epoch.',
    m.lastFrameAt === null ? null : m.lastFrameAt / 1000,
  );

  const labels = [...m.labels.total.keys()].sort();
  e.family('argus_detections_total', 'counter', 'Objects detected per label, summed over all frames.', labels.map((label) => [{ label }, m.labels.total.get(label)!]));
  e.family('argus_objects', 'gauge', 'Objects per label in the latest frame.', labels.map((label) => [{ label }, m.labels.latest.get(label) ?? 0]));

  e.family('argus_cpu_temperature_celsius', 'gauge', 'CPU temperature (absent where the machine has no thermal zone).', s?.cpu_temp_c ?? null);
  const t = s?.throttling;
  e.family(
    'argus_throttling',
    'gauge',
    'Raspberry Pi firmware flags (1 = set), now and since boot (absent off a Pi).',
    t
      ? (['now', 'since_boot'] as const).flatMap((period) =>
          (Object.entries(t[period]) as [string, boolean][]).map(([flag, on]): Sample => [{ flag, period }, on ? 1 : 0]),
        )
      : null,
  );
  e.family('argus_memory_rss_bytes', 'gauge', 'Resident memory of the runtime process.', m.memory.rss);
  e.family('argus_memory_heap_used_bytes', 'gauge', 'JavaScript heap in use.', m.memory.heapUsed);
  e.family('argus_mqtt_connected', 'gauge', '1 while connected to the MQTT broker.', s ? (s.mqtt.connected ? 1 : 0) : null);
  e.family('argus_mqtt_queued_messages', 'gauge', 'Messages kept while the broker is away.', s && s.mqtt.queued);
  e.family('argus_mqtt_dropped_messages_total', 'counter', 'Messages dropped because the queue was full.', s && s.mqtt.dropped);
  e.family('argus_http_stream_viewers', 'gauge', 'Open live-view (MJPEG) streams.', m.stream.viewers);
  e.family('argus_http_stream_skipped_frames_total', 'counter', 'Live-view frames a slow viewer never got because a newer one replaced them.', m.stream.skipped);
  return e.toString();
}
