import type { Detection } from '../../models/boxes.js';
import type { DetectionJson } from '../mqtt/payloads.js';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One detection as published (MQTT, `--json`): pixels and 0..1 boxes, snake_case keys. */
export function detectionJson(d: Detection & { track_id?: number }, width: number, height: number): DetectionJson {
  const [x1, y1, x2, y2] = d.box;
  const out: DetectionJson = {
    label: d.label,
    class_id: d.classId,
    score: round(d.score, 4),
    box: [round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)],
    box_norm: [round(x1 / width, 4), round(y1 / height, 4), round(x2 / width, 4), round(y2 / height, 4)],
  };
  if (d.track_id !== undefined) out.track_id = d.track_id;
  return out;
}
