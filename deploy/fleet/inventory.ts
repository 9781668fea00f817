import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ArgusError } from '../../models/errors.js';
import type { HostSpec } from '../remote/host-spec.js';

const hostFields = {
  deviceId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only (it is an MQTT topic level)').optional(),
  broker: z.string().regex(/^(mqtts?|wss?):\/\/.+/, 'expected an mqtt://, mqtts://, ws:// or wss:// URL').optional(),
  source: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name'), z.string()).optional(),
  dir: z.string().min(1).optional(),
};

/**
 * An inventory file (YAML or JSON): `hosts`, each an ssh destination or an object with `host` and
 * its own settings, and `defaults` for every host. A host's own settings win over command-line
 * flags, which win over `defaults`.
 *
 * ```yaml
 * defaults: { broker: mqtt://10.0.0.5:1883 }
 * hosts:
 *   - pi@kitchen.local
 *   - { host: garage, deviceId: garage-cam, source: v4l2:/dev/video0 }
 * ```
 */
export const inventorySchema = z.strictObject({
  defaults: z.strictObject(hostFields).optional(),
  hosts: z
    .array(z.preprocess((h) => (typeof h === 'string' ? { host: h } : h), z.strictObject({ host: z.string().min(1), ...hostFields })))
    .min(1),
});
export type Inventory = z.infer<typeof inventorySchema>;

export function readInventory(file: string): Inventory {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ArgusError(`${file}: cannot read the inventory: ${(e as Error).message}`, { cause: e });
  }
  const parsed = inventorySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')}; valid: host, ${Object.keys(hostFields).join(', ')})` : '';
    throw new ArgusError(`${file}: field '${issue.path.join('.')}': ${issue.message}${keys}`);
  }
  return parsed.data;
}

type HostSettings = Omit<HostSpec, 'host'>;

/** Hosts from the command line and the inventory, in that order, each with its settings merged. */
export function hostSpecs(cliHosts: readonly string[], flags: HostSettings, inventory?: Inventory): HostSpec[] {
  const defaults = inventory?.defaults ?? {};
  const merge = (host: string, own: HostSettings = {}): HostSpec => {
    const spec: HostSpec = { host };
    for (const layer of [defaults, flags, own] as HostSettings[]) {
      for (const [k, v] of Object.entries(layer)) if (v !== undefined) (spec as unknown as Record<string, unknown>)[k] = k === 'env' ? { ...spec.env, ...(v as object) } : v;
    }
    return spec;
  };
  const specs = [...cliHosts.map((h) => merge(h)), ...(inventory?.hosts ?? []).map(({ host, ...own }) => merge(host, own))];
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.host)) throw new ArgusError(`host '${s.host}' is listed twice`);
    seen.add(s.host);
  }
  const ids = specs.filter((s) => s.deviceId).map((s) => s.deviceId);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ArgusError(`device id '${dup}' is given to two hosts: each device needs its own topic`);
  return specs;
}
