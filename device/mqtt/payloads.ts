import { z } from 'zod';

/**
 * Every JSON payload argus publishes, as zod schemas. Subscribers import the inferred types
 * (`import type { DetectionsPayload } from 'argus/payloads'`) or the JSON Schemas that
 * `argus schema` prints.
 */
const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const detectionSchema = z.object({
  label: z.string(),
  class_id: z.number().int().min(0),
  score: z.number().min(0).max(1),
  box: box.describe('x1, y1, x2, y2 in frame pixels'),
  box_norm: box.describe('x1, y1, x2, y2 as fractions of the frame size'),
  track_id: z.number().int().optional(),
});

const stageTimes = z.object({ decode: z.number(), pre: z.number(), infer: z.number(), post: z.number() });

export const detectionsPayloadSchema = z.object({
  frame: z.number().int().min(0).describe('frame sequence number from the source'),
  ts_capture: z.number().describe('ms since epoch when the frame was captured'),
  ts_publish: z.number().describe('ms since epoch when this message was built'),
  image: z.object({ w: z.number().int(), h: z.number().int() }),
  model: z.object({ name: z.string(), precision: z.enum(['fp32', 'int8']) }),
  timing_ms: stageTimes,
  detections: z.array(detectionSchema),
});

export const statusPayloadSchema = z.object({
  state: z.enum(['online', 'offline']),
  model: z.string().optional(),
  precision: z.enum(['fp32', 'int8']).optional(),
  source: z.string().optional(),
  version: z.string().optional(),
  started: z.string().optional().describe('ISO time the runtime started'),
});

export const eventPayloadSchema = z.object({
  type: z.enum(['new', 'update', 'end']),
  track_id: z.number().int(),
  label: z.string(),
  score: z.number(),
  box,
  first_seen: z.number(),
  last_seen: z.number(),
});

const percentiles = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });
const throttleFlags = z.object({ under_voltage: z.boolean(), freq_capped: z.boolean(), throttled: z.boolean(), soft_temp_limit: z.boolean() });

export const statsPayloadSchema = z.object({
  ts: z.number(),
  uptime_s: z.number(),
  fps: z.number().describe('results per second over the last few seconds'),
  frames: z.object({
    captured: z.number().int(),
    processed: z.number().int(),
    dropped: z.number().int().describe('frames replaced in the latest-frame slot before inference'),
    corrupt: z.number().int(),
    failed: z.number().int(),
    restarts: z.number().int().describe('camera process restarts'),
  }),
  latency_ms: z.record(z.string(), percentiles.nullable()).describe('per stage (decode, pre, infer, post, total): p50/p95/p99'),
  cpu_temp_c: z.number().nullable(),
  throttling: z.object({ raw: z.string(), now: throttleFlags, since_boot: throttleFlags }).nullable().describe('Raspberry Pi only'),
  memory_mb: z.object({ rss: z.number(), heap_used: z.number(), heap_total: z.number() }),
  mqtt: z.object({ connected: z.boolean(), queued: z.number().int(), dropped: z.number().int() }),
});

export const replyPayloadSchema = z.object({
  ok: z.boolean(),
  command: z.string(),
  id: z.union([z.string(), z.number()]).optional().describe('the id the command carried, echoed'),
  error: z.string().optional(),
  result: z.unknown().optional(),
});

export type DetectionJson = z.infer<typeof detectionSchema>;
export type DetectionsPayload = z.infer<typeof detectionsPayloadSchema>;
export type StatusPayload = z.infer<typeof statusPayloadSchema>;
export type EventPayload = z.infer<typeof eventPayloadSchema>;
export type StatsPayload = z.infer<typeof statsPayloadSchema>;
export type ReplyPayload = z.infer<typeof replyPayloadSchema>;

export const payloadSchemas = {
  status: statusPayloadSchema,
  detections: detectionsPayloadSchema,
  event: eventPayloadSchema,
  stats: statsPayloadSchema,
  reply: replyPayloadSchema,
} as const;

/** JSON Schema (draft 2020-12) of one payload, for subscribers outside TypeScript. */
export function payloadJsonSchema(name: keyof typeof payloadSchemas): unknown {
  return z.toJSONSchema(payloadSchemas[name], { io: 'output' });
}
