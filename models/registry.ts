import { UnknownKindError } from './errors.js';
import type { ModelFamily } from './family.js';

const families = new Map<string, ModelFamily<unknown>>();

/** Adds a family; a second family with the same name is refused. */
export function registerFamily<H>(family: ModelFamily<H>): void {
  if (families.has(family.name)) throw new Error(`model family '${family.name}' is registered twice`);
  families.set(family.name, family as ModelFamily<unknown>);
}

export function getFamily(name: string): ModelFamily<unknown> {
  const f = families.get(name);
  if (!f) throw new UnknownKindError('model family', name, familyNames());
  return f;
}

export function familyNames(): string[] {
  return [...families.keys()].sort();
}
