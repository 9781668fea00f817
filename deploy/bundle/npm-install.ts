import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError } from '../errors.js';
import { runProcess } from '../process.js';
import type { Arch } from './options.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npmEnv(): NodeJS.ProcessEnv {
  // onnxruntime-node's install script would download CUDA libraries; its CPU binaries are in the package.
  return { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' };
}

/**
 * Installs the package.json in `dir` for linux-<arch> from the registry's prebuilt packages:
 * npm's `--os/--cpu/--libc` pick the platform packages (sharp's `@img/sharp-linux-arm64`…),
 * install scripts are skipped (none is needed: every native part is prebuilt, and a script would
 * run for this machine, not the target). A package-lock.json in `dir` pins the versions.
 */
export async function installForTarget(dir: string, arch: Arch): Promise<void> {
  const args = ['install', '--omit=dev', '--os=linux', `--cpu=${arch}`, '--libc=glibc', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  const r = await runProcess(npm, args, { cwd: dir, env: npmEnv() });
  if (r.code !== 0) throw new BundleError(`npm ${args.join(' ')} in ${dir} failed (${r.code}):\n${(r.stderr || r.stdout).trim()}`);
}

/** Downloads a package tarball (`npm pack`) into `dir` and returns its path. */
export async function npmPack(spec: string, dir: string): Promise<string> {
  const r = await runProcess(npm, ['pack', spec, '--silent', '--prefer-offline', `--pack-destination=${dir}`], { cwd: dir, env: npmEnv() });
  const name = r.stdout.trim().split('\n').pop();
  if (r.code !== 0 || !name) throw new BundleError(`npm pack ${spec} failed (${r.code}):\n${(r.stderr || r.stdout).trim()}`);
  return join(dir, name);
}

/**
 * onnxruntime-node ships its binaries for every platform (about 290 MB); the target needs one.
 * Returns the folders it removed.
 */
export function trimForeignBinaries(nodeModules: string, arch: Arch): string[] {
  const removed: string[] = [];
  const napi = join(nodeModules, 'onnxruntime-node', 'bin', 'napi-v6');
  if (!existsSync(napi)) return removed;
  for (const platform of readdirSync(napi)) {
    for (const cpu of readdirSync(join(napi, platform))) {
      if (platform === 'linux' && cpu === arch) continue;
      rmSync(join(napi, platform, cpu), { recursive: true, force: true });
      removed.push(`onnxruntime-node/bin/napi-v6/${platform}/${cpu}`);
    }
    if (readdirSync(join(napi, platform)).length === 0) rmSync(join(napi, platform), { recursive: true });
  }
  if (!existsSync(join(napi, 'linux', arch, 'onnxruntime_binding.node'))) {
    throw new BundleError(`onnxruntime-node has no binary for linux-${arch} in ${napi}`);
  }
  return removed;
}
