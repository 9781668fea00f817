import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DataError } from './errors.js';

/**
 * Reads a class label list: one name a line (`.names`, `.txt`), a JSON array, or a YAML file
 * whose `names` is a list or an index -> name map (Ultralytics data yaml).
 */
export function readLabels(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, `cannot read label file (${(e as Error).message})`, { cause: e });
  }
  const ext = extname(file).toLowerCase();
  let labels: unknown;
  if (ext === '.json') {
    try {
      labels = JSON.parse(text);
    } catch (e) {
      throw new DataError(file, `not valid JSON (${(e as Error).message})`, { cause: e });
    }
  } else if (ext === '.yaml' || ext === '.yml') {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      throw new DataError(file, `not valid YAML (${(e as Error).message})`, { cause: e });
    }
    labels = namesFromYaml(file, doc);
  } else {
    labels = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  }
  return checkLabels(file, labels);
}

/** The `names` of an Ultralytics data yaml: a list, or a map from class index to name. */
export function namesFromYaml(file: string, doc: unknown): string[] {
  const names = (doc as { names?: unknown } | null)?.names;
  if (Array.isArray(names)) return checkLabels(file, names);
  if (names && typeof names === 'object') {
    const entries = Object.entries(names as Record<string, unknown>);
    const out: string[] = [];
    for (const [k, v] of entries) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0) throw new DataError(file, `field 'names': key '${k}' is not a class index`);
      out[i] = String(v);
    }
    for (let i = 0; i < out.length; i++) {
      if (out[i] === undefined) throw new DataError(file, `field 'names': class index ${i} is missing`);
    }
    return checkLabels(file, out);
  }
  throw new DataError(file, `field 'names': expected a list or a map of class names`);
}

function checkLabels(file: string, labels: unknown): string[] {
  if (!Array.isArray(labels) || labels.length === 0) throw new DataError(file, 'no class labels found');
  const seen = new Set<string>();
  return labels.map((l, i) => {
    if (typeof l !== 'string' || l.trim() === '') throw new DataError(file, `label ${i} is empty or not text`);
    const name = l.trim();
    if (seen.has(name)) throw new DataError(file, `label '${name}' appears twice (index ${i})`);
    seen.add(name);
    return name;
  });
}
