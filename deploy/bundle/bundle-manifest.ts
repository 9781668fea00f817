import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BundleError } from '../errors.js';
import { ARCHES } from './options.js';

export const BUNDLE_MANIFEST_FILE = 'bundle.json';

/** `bundle.json` at the root of a bundle: what it is for, what it holds, how big it is. */
export const bundleManifestSchema = z.strictObject({
  format: z.literal(1),
  name: z.string(),
  version: z.string().describe('package version + build stamp; the runtime publishes it in its status'),
  builtAt: z.string(),
  platform: z.literal('linux'),
  arch: z.enum(ARCHES),
  node: z.strictObject({
    engines: z.string().describe('Node.js versions the bundle runs on'),
    bundled: z.string().optional().describe('version of the Node.js in node/, when it ships one'),
  }),
  model: z.strictObject({ name: z.string(), precisions: z.array(z.string()), files: z.array(z.string()) }),
  dependencies: z.record(z.string(), z.string()).describe('top-level packages and their installed versions'),
  size: z.strictObject({
    bytes: z.number().int(),
    files: z.number().int(),
    parts: z.record(z.string(), z.number().int()).describe('bytes per top-level folder'),
  }),
});
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

export function readBundleManifest(dir: string): BundleManifest {
  const file = join(dir, BUNDLE_MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BundleError(`${file}: not a bundle manifest (${(e as Error).message}); build one with \`argus bundle\``, { cause: e });
  }
  const parsed = bundleManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BundleError(`${file}: field '${issue.path.join('.')}': ${issue.message}`);
  }
  return parsed.data;
}

export function writeBundleManifest(dir: string, manifest: BundleManifest): void {
  writeFileSync(join(dir, BUNDLE_MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

/** Bytes and files under a folder, without following links; hard links count once per name. */
export function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const d of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (d.isDirectory()) continue;
    bytes += lstatSync(join(d.parentPath, d.name)).size;
    files++;
  }
  return { bytes, files };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
