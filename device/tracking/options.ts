import { z } from 'zod';
import { ArgusError } from '../../models/errors.js';

/** Options of the IoU tracker. */
export const trackerOptionsSchema = z.strictObject({
  matchIou: z.number().gt(0).max(1).default(0.3).describe('least IoU of a detection with a track of the same label to continue it'),
  minHits: z.number().int().min(1).max(100).default(1).describe('frames in a row an object must be seen before it gets a track id and a new event (1: at once)'),
  maxMissed: z.number().int().min(1).max(10_000).default(15).describe('a track ends after it is unseen for this many processed frames'),
  updateIntervalMs: z.number().min(0).default(5000).describe('an update event at most this often per track, unless its box moved'),
  moveIou: z.number().min(0).max(1).default(0.5).describe('an update event at once when the IoU of the box with the last reported one falls below this'),
});

export type TrackerOptions = z.infer<typeof trackerOptionsSchema>;
export type TrackerOptionsInput = z.input<typeof trackerOptionsSchema>;

/** Checks options and fills defaults; `where` names their origin in errors. */
export function resolveTrackerOptions(input: TrackerOptionsInput = {}, where = 'tracker options'): TrackerOptions {
  const parsed = trackerOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) =>
    i.code === 'unrecognized_keys'
      ? `unknown field ${i.keys.map((k) => `'${k}'`).join(', ')} (valid: ${Object.keys(trackerOptionsSchema.shape).join(', ')})`
      : `field '${i.path.join('.')}': ${i.message}`,
  );
  throw new ArgusError(`${where}: ${issues.join('; ')}`);
}
