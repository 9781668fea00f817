import type { BundleManifest } from '../bundle/bundle-manifest.js';
import type { Arch } from '../bundle/options.js';
import type { SshOptions } from './ssh.js';

/** One host to deploy to, from the command line or an inventory. */
export interface HostSpec {
  /** ssh destination: `user@host`, `host`, or an alias from the ssh config. */
  host: string;
  /** MQTT topic level of the device. Default: the host's name, as the runtime derives it. */
  deviceId?: string;
  /**
   * Broker the device publishes to, which the deploy also watches. Default: none, so the device
   * runs its embedded broker and the deploy watches it through an ssh tunnel.
   */
  broker?: string;
  /** Camera source of the device. Default: the runtime's (`auto`). */
  source?: string;
  /** Model the device runs; must be the bundle's. Default: the bundle's. */
  model?: string;
  /** More environment for the runtime (`ARGUS_*`). */
  env?: Record<string, string>;
  /** Folder on the host for releases/ and current; relative to the login's home. Default: `argus`. */
  dir?: string;
}

export interface BundleRef {
  dir: string;
  manifest: BundleManifest;
}

/** What every host's deploy shares. */
export interface DeployContext {
  ssh: SshOptions;
  /** Releases kept on each host, the live one included. Default: 3. */
  keep: number;
  /** Seconds to wait for `online` after a start. Default: 90. */
  timeoutS: number;
  /** Check hosts and print the plan; change nothing. */
  dryRun: boolean;
  /** Install the boot service once per host (needs root or passwordless sudo). Default: true. */
  boot: boolean;
  /** MQTT topic prefix of the devices. Default: `argus`. */
  prefix: string;
  /** Port of a device's embedded broker, tunnelled to when no broker is given. Default: 1883. */
  embeddedBrokerPort: number;
  /** The bundle for a host of this architecture (built on first use when none was given). */
  bundleFor(arch: Arch): Promise<BundleRef>;
  log(host: string, message: string): void;
}

export type HostOutcome = 'deployed' | 'rolled-back' | 'failed' | 'skipped' | 'planned';

export interface HostResult {
  host: string;
  outcome: HostOutcome;
  deviceId?: string;
  release?: string;
  /** The release that was live before, which a rollback returns to. */
  previous?: string | null;
  version?: string;
  /** Why it was not deployed. */
  reason?: string;
  warnings: string[];
  /** Seconds from the start until `online`. */
  onlineAfterS?: number;
  rollback?: { ok: boolean; reason?: string };
  /** The runtime's last log lines, when a release failed. */
  logs?: string;
  pruned?: string[];
  /** Boot service: installed now, already there, skipped, or the command to run by hand. */
  boot?: string;
  /** What a dry run would do. */
  plan?: string[];
  seconds: number;
}
