import { z } from 'zod';
import { ArgusError } from '../../models/errors.js';

/** Restart timing of a source whose process exits. */
export const backoffSchema = z
  .strictObject({
    initialMs: z.number().int().min(1).max(600_000).default(500).describe('first wait before a restart'),
    maxMs: z.number().int().min(1).max(3_600_000).default(30_000).describe('the wait doubles up to this'),
    healthyAfterMs: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe('a process that ran this long before exiting counts as healthy: the wait starts again from initialMs'),
  })
  .refine((b) => b.maxMs >= b.initialMs, { message: 'maxMs must not be below initialMs', path: ['maxMs'] });

/** Options of every source; each kind reads the ones it needs (noted per field). */
export const sourceOptionsSchema = z.strictObject({
  width: z.number().int().min(16).max(8192).default(640).describe('frame width asked of libcamera and v4l2 cameras'),
  height: z.number().int().min(16).max(8192).default(480).describe('frame height asked of libcamera and v4l2 cameras'),
  fps: z.number().positive().max(240).default(10).describe('frames per second asked of the camera, or the pace of files'),
  extraArgs: z.array(z.string()).default([]).describe('more arguments for rpicam-vid, or ffmpeg input arguments before -i'),
  loop: z.boolean().default(true).describe('video: start again at the end of the file, else the source ends'),
  stallTimeoutMs: z
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('a camera process that sends no frame for this long is killed and restarted'),
  backoff: backoffSchema.prefault({}),
});

export type SourceOptions = z.infer<typeof sourceOptionsSchema>;
export type SourceOptionsInput = z.input<typeof sourceOptionsSchema>;
export type BackoffOptions = z.infer<typeof backoffSchema>;

/** Checks options and fills defaults; `where` names their origin (a config file, a flag) in errors. */
export function resolveSourceOptions(input: SourceOptionsInput = {}, where = 'source options'): SourceOptions {
  const parsed = sourceOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const at = i.path.join('.');
    if (i.code === 'unrecognized_keys') {
      const valid = Object.keys(at === 'backoff' ? backoffSchema.shape : sourceOptionsSchema.shape);
      return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${at ? `${at}.` : ''}${k}'`).join(', ')} (valid: ${valid.join(', ')})`;
    }
    return `field '${at}': ${i.message}`;
  });
  throw new ArgusError(`${where}: ${issues.join('; ')}`);
}
