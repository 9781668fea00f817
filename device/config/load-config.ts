import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ArgusError } from '../../models/errors.js';
import { configSchema, type Config } from './schema.js';

/** One source of configuration values, named in errors. */
export interface ConfigLayer {
  origin: string;
  values: Record<string, unknown>;
}

/** Environment variables and the config path each sets. */
export const ENV_KEYS: Record<string, { path: string[]; type: 'string' | 'number' | 'list' }> = {
  ARGUS_DEVICE_ID: { path: ['deviceId'], type: 'string' },
  ARGUS_SOURCE: { path: ['source'], type: 'string' },
  ARGUS_MODEL: { path: ['model'], type: 'string' },
  ARGUS_PRECISION: { path: ['precision'], type: 'string' },
  ARGUS_THREADS: { path: ['threads'], type: 'number' },
  ARGUS_THRESHOLD: { path: ['threshold'], type: 'number' },
  ARGUS_LABELS: { path: ['labels'], type: 'list' },
  ARGUS_BROKER: { path: ['broker', 'url'], type: 'string' },
  ARGUS_BROKER_PORT: { path: ['broker', 'port'], type: 'number' },
  ARGUS_BROKER_USERNAME: { path: ['broker', 'username'], type: 'string' },
  ARGUS_BROKER_PASSWORD: { path: ['broker', 'password'], type: 'string' },
  ARGUS_MODELS: { path: ['modelsDir'], type: 'string' },
};

export class ConfigError extends ArgusError {}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function getPath(source: unknown, path: readonly (string | number | symbol)[]): unknown {
  let node = source;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number | symbol, unknown>)[key];
  }
  return node;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function fileLayer(file: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  let values: unknown;
  try {
    values = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file ${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`, { cause: e });
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new ConfigError(`config file ${file}: expected a mapping of keys at the top level`);
  return { origin: `config file ${file}`, values: values as Record<string, unknown> };
}

export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const values: Record<string, unknown> = {};
  for (const [name, { path, type }] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = type === 'number' ? (Number.isNaN(Number(raw)) ? raw : Number(raw)) : type === 'list' ? raw.split(',').map((s) => s.trim()) : raw;
    setPath(values, path, value);
  }
  return { origin: 'environment', values };
}

/** Merges layers (later ones win) and validates; an error names the field and where it came from. */
export function resolveConfig(layers: readonly ConfigLayer[]): Config {
  const merged = layers.reduce<Record<string, unknown>>((acc, l) => deepMerge(acc, l.values), {});
  const parsed = configSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path;
  const from = [...layers].reverse().find((l) => getPath(l.values, path) !== undefined);
  const fields = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...path, k]) : [path];
  const named = fields.map((f) => `'${f.map(String).join('.')}'`).join(', ');
  const what = issue.code === 'unrecognized_keys' ? `unknown field ${named}` : `field ${named}`;
  throw new ConfigError(`config ${what}${from ? ` (from ${from.origin})` : ''}: ${issue.message}`);
}
