import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, type BuiltBundle } from '../../deploy/bundle/build-bundle.js';
import type { Arch } from '../../deploy/bundle/options.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { runCli } from '../helpers/cli.js';

/** A model store of its own holding the default model (built from the npm package, a few seconds). */
export async function defaultModelStore(): Promise<string> {
  const store = join(mkdtempSync(join(tmpdir(), 'argus-bstore-')), 'store');
  const r = await runCli(['model', 'default'], { ARGUS_MODELS: store });
  if (r.code !== 0) throw new Error(`argus model default failed: ${r.stderr}`);
  return store;
}

/**
 * Adds the int8 file to the store's default model with `argus quantize` when this checkout has
 * that command; returns whether the model now has int8.
 */
export async function tryQuantize(store: string, calib: string): Promise<{ int8: boolean; why?: string }> {
  const help = await runCli(['--help']);
  if (!/^\s+quantize\b/m.test(help.stdout)) return { int8: false, why: 'this checkout has no `argus quantize` command' };
  const r = await runCli(['quantize', DEFAULT_MODEL, '--calib', calib, '--images', '16'], { ARGUS_MODELS: store });
  if (r.code !== 0) return { int8: false, why: `argus quantize failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  return { int8: true };
}

/** Builds a bundle from the compiled checkout into a temp folder. */
export async function buildTestBundle(arch: Arch, store: string, opts: { node?: boolean } = {}): Promise<BuiltBundle> {
  const out = join(mkdtempSync(join(tmpdir(), `argus-bundle-${arch}-`)), 'bundle');
  return buildBundle({ arch, model: DEFAULT_MODEL, out, tarball: false, node: Boolean(opts.node), modelsDir: store });
}
