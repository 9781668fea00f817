import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { sharedDir } from '../../models/paths.js';

/** A path inside ../shared, or null after marking the test skipped with a message saying why. */
export function sharedPath(t: TestContext, ...parts: string[]): string | null {
  const p = join(sharedDir(), ...parts);
  if (existsSync(p)) return p;
  t.skip(`${p} is missing: set ARGUS_SHARED to the shared test data folder`);
  return null;
}
