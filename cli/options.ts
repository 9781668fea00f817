import { InvalidArgumentError } from 'commander';
import { PRECISIONS, type Precision } from '../models/manifest.js';
import { modelsDir } from '../models/paths.js';
import { ModelStore } from '../models/store.js';

/** Parsers for commander options: each names the option in its error. */
export function number(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got '${value}'`);
    return n;
  };
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got '${value}'`);
    return n;
  };
}

export function precision(value: string): Precision {
  if (!(PRECISIONS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${PRECISIONS.join(', ')}, got '${value}'`);
  return value as Precision;
}

export function triple(value: string): [number, number, number] {
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError(`expected three numbers like 0,0,0, got '${value}'`);
  return parts as [number, number, number];
}

export function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** `--head key=value`, repeatable; values parse as JSON when they can (numbers, arrays, booleans). */
export function keyValue(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  const key = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // A bare word such as cell-center stays a string.
  }
  return { ...previous, [key]: parsed };
}

export function openStore(flag: string | undefined): ModelStore {
  return new ModelStore(modelsDir(flag));
}
