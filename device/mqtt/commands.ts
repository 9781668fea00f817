import { z } from 'zod';
import { PRECISIONS } from '../../models/manifest.js';

const id = z.union([z.string(), z.number()]).optional();

/** Commands accepted on `argus/<id>/cmd/<name>`, each with its payload schema. */
export const commandSchemas = {
  /** Change the score threshold: `{"value": 0.5}` or a bare number. */
  threshold: z.preprocess(
    (v) => (typeof v === 'number' ? { value: v } : v),
    z.strictObject({ value: z.number().min(0).max(1), id }),
  ),
  /** Load a model again (after a deploy), or another model or precision. */
  reload: z.strictObject({ model: z.string().min(1).optional(), precision: z.enum(PRECISIONS).optional(), id }),
  /** Publish the latest annotated frame as JPEG to `argus/<id>/snapshot`. */
  snapshot: z.strictObject({ id }),
  /** Report only these labels; null or [] reports all. */
  labels: z.strictObject({ labels: z.array(z.string().min(1)).nullable(), id }),
} as const;

export type CommandName = keyof typeof commandSchemas;
export type Command = { [K in CommandName]: { name: K; args: z.infer<(typeof commandSchemas)[K]> } }[CommandName];

export type ParsedCommand = { ok: true; command: Command } | { ok: false; error: string; id?: string | number };

/** Validates one command message; the error says what is wrong with which field. */
export function parseCommand(name: string, payload: Buffer): ParsedCommand {
  if (!(name in commandSchemas)) {
    return { ok: false, error: `unknown command '${name}'. Should be one of: ${Object.keys(commandSchemas).join(', ')}` };
  }
  const text = payload.toString('utf8').trim();
  let raw: unknown = {};
  if (text) {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: `payload is not JSON: ${(e as Error).message}` };
    }
  }
  const carriedId = raw && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  const echo = typeof carriedId === 'string' || typeof carriedId === 'number' ? { id: carriedId } : {};
  const parsed = commandSchemas[name as CommandName].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? `field '${issue.path.join('.')}': ` : '';
    return { ok: false, error: `${field}${issue.message}`, ...echo };
  }
  return { ok: true, command: { name, args: parsed.data } as Command };
}
