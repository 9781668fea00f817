import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { MANIFEST_FILE, PRECISIONS } from '../../models/manifest.js';
import { modelsDir, projectRoot } from '../../models/paths.js';
import { ModelStore, verifiedOnnxPath } from '../../models/store.js';
import { BundleError } from '../errors.js';
import { runProcess } from '../process.js';
import { folderSize, writeBundleManifest, type BundleManifest } from './bundle-manifest.js';
import { ECOSYSTEM_FILE, ecosystemSource } from './ecosystem.js';
import { installForTarget, npmPack, trimForeignBinaries } from './npm-install.js';
import { BUNDLED_ASSETS, BUNDLED_DIST, EXTRA_PACKAGES, FORBIDDEN_PACKAGES, type Arch, type BundleOptions } from './options.js';
import { runtimeDependencies, scanImports } from './runtime-deps.js';
import { PM2_ENTRY, PM2_ENTRY_SOURCE, WRAPPERS } from './wrappers.js';

export interface BuiltBundle {
  dir: string;
  manifest: BundleManifest;
  tarball?: string;
}

interface ProjectPackage {
  name: string;
  version: string;
  description?: string;
  license?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

/** `2025-11-25T14:30:00.123Z` → `20251125T143000Z`, a valid semver build identifier. */
export function buildStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function defaultBundleDir(arch: Arch): string {
  return join(projectRoot(), 'dist', 'bundles', `argus-linux-${arch}`);
}

/**
 * Builds an offline release folder for linux-<arch>: the compiled device code, one model,
 * node_modules for the target, pm2 and its ecosystem file, `bundle.json`. It is staged beside
 * `out` and renamed into place, so a failed build never leaves a half bundle behind.
 */
export async function buildBundle(opts: BundleOptions, progress: (step: string) => void = () => {}): Promise<BuiltBundle> {
  const root = projectRoot();
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'cli', 'argus.js'))) throw new BundleError(`${dist}/cli/argus.js is missing: compile first (npx tsc -p .)`);
  const out = resolve(opts.out ?? defaultBundleDir(opts.arch));
  const stage = `${out}.partial-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const builtAt = new Date();
  try {
    progress('checking what the device code imports');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as ProjectPackage;
    const scan = scanImports(dist, BUNDLED_DIST);
    if (scan.escapes.length) {
      const list = scan.escapes.map((e) => `dist/${e.file} imports '${e.specifier}'`).join('; ');
      throw new BundleError(`device code statically imports files a bundle does not ship (import them lazily inside the command that needs them): ${list}`);
    }
    const deps = runtimeDependencies(scan.packages, pkg.dependencies ?? {}, EXTRA_PACKAGES, FORBIDDEN_PACKAGES);

    progress('copying compiled code and assets');
    for (const folder of BUNDLED_DIST) {
      cpSync(join(dist, folder), join(stage, 'dist', folder), {
        recursive: true,
        filter: (src) => !/\.(d\.ts|map)$/.test(src),
      });
    }
    for (const asset of BUNDLED_ASSETS) cpSync(join(root, asset), join(stage, asset), { recursive: true });

    progress(`copying model '${opts.model}'`);
    const model = await copyModel(opts, join(stage, 'models', 'store'));

    const version = `${pkg.version.split('+')[0]}+${buildStamp(builtAt)}`;
    const bundlePkg = {
      name: pkg.name,
      version,
      private: true,
      description: `${pkg.description ?? pkg.name} (device bundle for linux-${opts.arch})`,
      license: pkg.license,
      type: 'module',
      engines: pkg.engines,
      bin: { argus: 'dist/cli/argus.js' },
      scripts: { start: 'node dist/cli/argus.js run' },
      dependencies: deps,
      // pm2-logrotate asks for pm2@latest; one pm2 talks to the daemon.
      overrides: { pm2: '$pm2' },
    };
    writeFileSync(join(stage, 'package.json'), JSON.stringify(bundlePkg, null, 2) + '\n');
    if (existsSync(join(root, 'package-lock.json'))) copyFileSync(join(root, 'package-lock.json'), join(stage, 'package-lock.json'));

    progress(`npm install for linux-${opts.arch} (${Object.keys(deps).join(', ')})`);
    await installForTarget(stage, opts.arch);
    trimForeignBinaries(join(stage, 'node_modules'), opts.arch);
    const forbidden = findPackages(join(stage, 'node_modules'), FORBIDDEN_PACKAGES);
    if (forbidden.length) throw new BundleError(`the bundle's node_modules holds packages no device needs: ${forbidden.join(', ')}`);

    mkdirSync(join(stage, 'bin'));
    for (const [name, text] of Object.entries(WRAPPERS)) {
      writeFileSync(join(stage, 'bin', name), text);
      chmodSync(join(stage, 'bin', name), 0o755);
    }
    writeFileSync(join(stage, 'bin', PM2_ENTRY), PM2_ENTRY_SOURCE);
    writeFileSync(join(stage, ECOSYSTEM_FILE), ecosystemSource());

    let bundledNode: string | undefined;
    if (opts.node) {
      bundledNode = process.versions.node;
      progress(`adding Node.js ${bundledNode} for linux-${opts.arch}`);
      await addNode(stage, opts.arch, bundledNode);
    }

    const manifest: BundleManifest = {
      format: 1,
      name: pkg.name,
      version,
      builtAt: builtAt.toISOString(),
      platform: 'linux',
      arch: opts.arch,
      node: { engines: pkg.engines?.node ?? '>=20', ...(bundledNode ? { bundled: bundledNode } : {}) },
      model,
      dependencies: installedVersions(join(stage, 'node_modules'), Object.keys(deps)),
      size: sizes(stage),
    };
    writeBundleManifest(stage, manifest);
    manifest.size = sizes(stage);
    writeBundleManifest(stage, manifest);

    rmSync(out, { recursive: true, force: true });
    mkdirSync(dirname(out), { recursive: true });
    renameSync(stage, out);
    const built: BuiltBundle = { dir: out, manifest };
    if (opts.tarball) {
      progress('writing the tarball');
      built.tarball = await writeTarball(out);
    }
    return built;
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}

/** Copies model.json and every ONNX file it lists (sha256 checked); builds the default model when missing. */
async function copyModel(opts: BundleOptions, storeDir: string): Promise<BundleManifest['model']> {
  const store = new ModelStore(modelsDir(opts.modelsDir));
  if (opts.model === DEFAULT_MODEL && !existsSync(join(store.modelDir(DEFAULT_MODEL), MANIFEST_FILE))) {
    // The workstation builds the default model (trainer code); the device never does.
    const { ensureDefaultModel } = await import('../../trainer/importers/default-model.js');
    await ensureDefaultModel(store);
  }
  const model = store.open(opts.model);
  const name = model.manifest.name;
  const dest = join(storeDir, name);
  mkdirSync(dest, { recursive: true });
  copyFileSync(model.manifestFile, join(dest, MANIFEST_FILE));
  const files = [MANIFEST_FILE];
  const precisions: string[] = [];
  for (const precision of PRECISIONS) {
    if (!model.manifest.files[precision]) continue;
    const file = await verifiedOnnxPath(model, precision);
    copyFileSync(file, join(dest, basename(file)));
    files.push(basename(file));
    precisions.push(precision);
  }
  return { name, precisions, files };
}

/** Node.js from the npm package `node-linux-<arch>` (the official build), as `node/bin/node`. */
async function addNode(stage: string, arch: Arch, version: string): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'argus-node-'));
  try {
    const tgz = await npmPack(`node-linux-${arch}@${version}`, tmp);
    mkdirSync(join(stage, 'node'));
    const r = await runProcess('tar', ['xzf', tgz, '-C', join(stage, 'node'), '--strip-components=1', 'package/bin/node', 'package/LICENSE']);
    if (r.code !== 0) throw new BundleError(`unpacking ${tgz} failed: ${r.stderr.trim()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every installed package (nested ones too) whose name matches one of `patterns` (a trailing / matches a scope). */
export function findPackages(nodeModules: string, patterns: readonly string[]): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? readdirSync(join(dir, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        if (patterns.some((p) => name === p || (p.endsWith('/') && name.startsWith(p)))) found.push(name);
        visit(join(dir, name, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return [...new Set(found)].sort();
}

function installedVersions(nodeModules: string, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, (JSON.parse(readFileSync(join(nodeModules, n, 'package.json'), 'utf8')) as { version: string }).version]));
}

function sizes(dir: string): BundleManifest['size'] {
  const total = folderSize(dir);
  const parts: Record<string, number> = {};
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.isDirectory()) parts[d.name] = folderSize(join(dir, d.name)).bytes;
  }
  return { bytes: total.bytes, files: total.files, parts };
}

async function writeTarball(dir: string): Promise<string> {
  const tarball = `${dir}.tar.gz`;
  const r = await runProcess('tar', ['czf', tarball, '-C', dirname(dir), basename(dir)]);
  if (r.code !== 0) throw new BundleError(`tar czf ${tarball} failed: ${r.stderr.trim()}`);
  return tarball;
}
