import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BundleError } from '../errors.js';

export interface ImportScan {
  /** Bare package names imported by the scanned files, sorted. */
  packages: string[];
  /** Relative static imports that leave the scanned folders (they would crash at load time). */
  escapes: { file: string; specifier: string }[];
}

const STATIC_IMPORT = /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.js'))
    .map((d) => join(d.parentPath, d.name));
}

/**
 * The npm packages that compiled JS under `root/folders` imports, statically or dynamically, and
 * any static relative import that points outside those folders. Comment lines are skipped (TSDoc
 * examples mention imports that are not there).
 */
export function scanImports(root: string, folders: readonly string[]): ImportScan {
  const inside = folders.map((f) => resolve(root, f) + sep);
  const packages = new Set<string>();
  const escapes: ImportScan['escapes'] = [];
  for (const folder of folders) {
    for (const file of jsFiles(join(root, folder))) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const t = line.trimStart();
        if (t.startsWith('*') || t.startsWith('//') || t.startsWith('/*')) continue;
        const m = STATIC_IMPORT.exec(line);
        const specs: { spec: string; dynamic: boolean }[] = [];
        if (m) specs.push({ spec: (m[1] ?? m[2])!, dynamic: false });
        for (const d of line.matchAll(DYNAMIC_IMPORT)) specs.push({ spec: d[1]!, dynamic: true });
        for (const { spec, dynamic } of specs) {
          if (spec.startsWith('.')) {
            const target = resolve(dirname(file), spec);
            if (!dynamic && !inside.some((dir) => target.startsWith(dir))) escapes.push({ file: relative(root, file), specifier: spec });
          } else if (!isBuiltin(spec)) {
            packages.add(packageName(spec));
          }
        }
      }
    }
  }
  return { packages: [...packages].sort(), escapes };
}

/**
 * The bundle's `dependencies`: each scanned package and each extra at the version range the
 * project's package.json asks for (an extra may bring its own range). An import the project does
 * not declare is an error, as is one on the forbidden list.
 */
export function runtimeDependencies(
  scanned: readonly string[],
  declared: Record<string, string>,
  extras: Record<string, string>,
  forbidden: readonly string[],
): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const name of [...scanned, ...Object.keys(extras)].sort()) {
    if (forbidden.some((f) => name === f || (f.endsWith('/') && name.startsWith(f)))) {
      throw new BundleError(`the device code imports '${name}', which must not be in a device bundle (forbidden: ${forbidden.join(', ')})`);
    }
    const range = declared[name] ?? extras[name];
    if (!range) throw new BundleError(`the device code imports '${name}', which package.json does not declare in "dependencies"`);
    deps[name] = range;
  }
  return deps;
}
