import type { DetectionsPayload, EventPayload, StatsPayload, StatusPayload } from './payloads.js';

/** One line a person can read for each message `argus watch` receives. */
export function formatMessage(topic: string, payload: Buffer, prefix: string): string | null {
  const parts = topic.split('/');
  if (parts[0] !== prefix || parts.length < 3) return null;
  const device = parts[1]!;
  const kind = parts[2]!;
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return kind === 'snapshot' ? `${device} snapshot ${payload.length} bytes` : `${device} ${parts.slice(2).join('/')} ${payload.toString('utf8').slice(0, 200)}`;
  }
  switch (kind) {
    case 'detections': {
      const d = body as DetectionsPayload;
      const items = d.detections.map(
        (x) => `${x.label}${x.track_id === undefined ? '' : `#${x.track_id}`} ${x.score.toFixed(2)} [${x.box.map((v) => Math.round(v)).join(',')}]`,
      );
      const latency = Math.round(d.ts_publish - d.ts_capture);
      return `${time(d.ts_publish)} ${device} frame ${d.frame} ${d.image.w}x${d.image.h}: ${items.length ? items.join('  ') : 'nothing'} (infer ${d.timing_ms.infer.toFixed(0)} ms, capture→publish ${latency} ms)`;
    }
    case 'status': {
      const s = body as StatusPayload;
      return `${device} is ${s.state.toUpperCase()}${s.model ? ` (model ${s.model}${s.precision ? ` ${s.precision}` : ''}${s.source ? `, source ${s.source}` : ''})` : ''}`;
    }
    case 'events': {
      const e = body as EventPayload;
      return `${time(e.last_seen)} ${device} ${e.type.padEnd(6)} ${e.label}#${e.track_id} ${e.score.toFixed(2)}`;
    }
    case 'stats': {
      const s = body as StatsPayload;
      const infer = s.latency_ms['infer'];
      return `${time(s.ts)} ${device} stats: ${s.fps.toFixed(1)} fps, infer p50 ${infer ? infer.p50.toFixed(1) : '-'} ms, dropped ${s.frames.dropped}, corrupt ${s.frames.corrupt}${s.cpu_temp_c === null ? '' : `, ${s.cpu_temp_c.toFixed(1)} °C`}, rss ${s.memory_mb.rss.toFixed(0)} MB`;
    }
    case 'counts':
      return `${device} count ${parts.slice(3).join('/')} = ${JSON.stringify(body)}`;
    default:
      return `${device} ${parts.slice(2).join('/')} ${JSON.stringify(body).slice(0, 300)}`;
  }
}

function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}
