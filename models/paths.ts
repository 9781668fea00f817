import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding argus' package.json, found from this file whether run from source or dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/**
 * The model store: `--models-dir`, else `$ARGUS_MODELS`, else `models/store/` in the project
 * (in a Pi bundle, the bundle's own `models/store/`).
 */
export function modelsDir(flag?: string): string {
  if (flag) return resolve(flag);
  if (process.env.ARGUS_MODELS) return resolve(process.env.ARGUS_MODELS);
  return join(projectRoot(), 'models', 'store');
}

/** The shared test data and models (`$ARGUS_SHARED`, default `../shared` beside the project). */
export function sharedDir(): string {
  return process.env.ARGUS_SHARED ? resolve(process.env.ARGUS_SHARED) : resolve(projectRoot(), '..', 'shared');
}
