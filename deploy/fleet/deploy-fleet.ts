import { deployHost } from '../remote/deploy-host.js';
import type { DeployContext, HostResult, HostSpec } from '../remote/host-spec.js';

export interface FleetOptions {
  /** Hosts deployed first, one at a time; if one fails, the rest are not touched. Default: 1 for a fleet, 0 for one host. */
  canary?: number;
  /** Hosts deployed at once after the canaries. Default: 4. */
  parallel: number;
}

export type DeployOne = (spec: HostSpec, ctx: DeployContext) => Promise<HostResult>;

const succeeded = (r: HostResult) => r.outcome === 'deployed' || r.outcome === 'planned';

/**
 * Canaries first, one by one; then, only if every canary came online, the rest `parallel` at a
 * time. Results are in the order of `hosts`.
 */
export async function deployFleet(hosts: readonly HostSpec[], ctx: DeployContext, opts: FleetOptions, deployOne: DeployOne = deployHost): Promise<HostResult[]> {
  const canaries = Math.min(opts.canary ?? (hosts.length > 1 ? 1 : 0), hosts.length);
  const results: HostResult[] = new Array(hosts.length);
  for (let i = 0; i < canaries; i++) {
    ctx.log(hosts[i]!.host, `canary ${i + 1} of ${canaries}`);
    results[i] = await deployOne(hosts[i]!, ctx);
    if (!succeeded(results[i]!)) {
      for (let j = i + 1; j < hosts.length; j++) {
        results[j] = { host: hosts[j]!.host, outcome: 'skipped', reason: `canary ${hosts[i]!.host} was not deployed (${results[i]!.outcome})`, warnings: [], seconds: 0 };
      }
      return results;
    }
  }
  let next = canaries;
  const worker = async () => {
    while (next < hosts.length) {
      const i = next++;
      results[i] = await deployOne(hosts[i]!, ctx);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, hosts.length - canaries)) }, worker));
  return results;
}
