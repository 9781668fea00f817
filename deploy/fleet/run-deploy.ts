import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundleManifest } from '../bundle/bundle-manifest.js';
import { buildBundle } from '../bundle/build-bundle.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { DeployError } from '../errors.js';
import type { Arch } from '../bundle/options.js';
import type { BundleRef, DeployContext, HostResult, HostSpec } from '../remote/host-spec.js';
import { deployFleet, type DeployOne } from './deploy-fleet.js';

/** Options of `argus deploy`, each documented with its default on the command. */
export interface DeployRunOptions {
  hosts: HostSpec[];
  /** An existing bundle folder; default: build one per host architecture. */
  bundle?: string;
  /** Model to build a bundle with (when no bundle is given). */
  model?: string;
  modelsDir?: string;
  sshConfig?: string;
  keep: number;
  timeoutS: number;
  dryRun: boolean;
  boot: boolean;
  canary?: number;
  parallel: number;
  prefix: string;
  embeddedBrokerPort: number;
  log(host: string, message: string): void;
}

/**
 * Bundles per architecture: the one given (checked), or each built once on first need (a dry run
 * builds too: it changes nothing on the hosts, and the preflight needs the bundle's size and needs).
 */
function bundleProvider(o: DeployRunOptions): (arch: Arch) => Promise<BundleRef> {
  if (o.bundle) {
    const dir = o.bundle;
    const manifest = readBundleManifest(dir);
    return async (arch) => {
      if (manifest.arch !== arch) throw new DeployError('bundle', 'arch', `${dir} is for linux-${manifest.arch}; the host needs linux-${arch}`);
      return { dir, manifest };
    };
  }
  const builds = new Map<Arch, Promise<BundleRef>>();
  return (arch) => {
    if (!builds.has(arch)) {
      builds.set(
        arch,
        buildBundle({ arch, model: o.model ?? DEFAULT_MODEL, tarball: false, node: false, ...(o.modelsDir ? { modelsDir: o.modelsDir } : {}) }, (s) => o.log(`bundle ${arch}`, s)),
      );
    }
    return builds.get(arch)!;
  };
}

/** Runs a deploy to every host and returns one result per host. */
export async function runDeploy(o: DeployRunOptions, deployOne?: DeployOne): Promise<HostResult[]> {
  // Short: the control socket path must fit in ~100 characters.
  const controlDir = mkdtempSync(join(tmpdir(), 'argus-ssh-'));
  try {
    const ctx: DeployContext = {
      ssh: { controlDir, ...(o.sshConfig ? { configFile: o.sshConfig } : {}) },
      keep: o.keep,
      timeoutS: o.timeoutS,
      dryRun: o.dryRun,
      boot: o.boot,
      prefix: o.prefix,
      embeddedBrokerPort: o.embeddedBrokerPort,
      bundleFor: bundleProvider(o),
      log: o.log,
    };
    return await deployFleet(o.hosts, ctx, { ...(o.canary !== undefined ? { canary: o.canary } : {}), parallel: o.parallel }, deployOne);
  } finally {
    rmSync(controlDir, { recursive: true, force: true });
  }
}
