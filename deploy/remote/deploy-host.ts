import { createServer } from 'node:net';
import { ENV_KEYS } from '../../device/config/load-config.js';
import { DEPLOY_SETTINGS_FILE } from '../bundle/ecosystem.js';
import { DeployError, RemoteCommandError } from '../errors.js';
import { waitOnline, type WaitOnlineResult } from '../health/wait-online.js';
import { appState, crashVerdict } from '../health/pm2-state.js';
import type { BundleRef, DeployContext, HostResult, HostSpec } from './host-spec.js';
import { checkFacts, deviceIdFromHostname, parseFacts, type HostFacts } from './preflight.js';
import { activateScript, bootScript, finalizeScript, pm2ListScript, pm2LogsScript, preflightScript, removeFailedScript, rollbackScript } from './scripts.js';
import { shellQuote, SshHost } from './ssh.js';

/** `20251125-143000` (UTC), with `-2`, `-3`… when the host already has one of that name. */
export function releaseName(now: Date, existing: readonly string[]): string {
  const base = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\.\d+Z$/, '');
  const taken = new Set(existing.map((r) => r.replace(/-failed$/, '')));
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

/**
 * The runtime environment a release gets on one host (written to its deploy.json). Every variable
 * the runtime reads is set, to '' (unset, for the runtime) when not given: pm2 merges a reload's
 * environment into the old one, so a variable that a previous release had would otherwise stay.
 */
export function releaseEnv(spec: HostSpec, deviceId: string, model: string): Record<string, string> {
  return {
    ...Object.fromEntries(Object.keys(ENV_KEYS).map((k) => [k, ''])),
    ARGUS_DEVICE_ID: deviceId,
    ARGUS_MODEL: model,
    ...(spec.broker ? { ARGUS_BROKER: spec.broker } : {}),
    ...(spec.source ? { ARGUS_SOURCE: spec.source } : {}),
    ...spec.env,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function field(output: string, key: string): string | undefined {
  return new RegExp(`^${key}=(.*)$`, 'm').exec(output)?.[1]?.trim();
}

/**
 * Deploys a bundle to one host: preflight, upload into a new release folder, switch `current`,
 * (re)start with pm2, wait for `online`; on failure switch back to the previous release.
 * Never throws: every outcome, failures included, is in the result.
 */
export async function deployHost(spec: HostSpec, ctx: DeployContext): Promise<HostResult> {
  const started = Date.now();
  const result: HostResult = { host: spec.host, outcome: 'failed', warnings: [], seconds: 0 };
  const ssh = new SshHost(spec.host, ctx.ssh);
  const say = (msg: string) => ctx.log(spec.host, msg);
  let step = 'preflight';
  try {
    const facts = parseFacts((await ssh.sh(preflightScript(spec.dir ?? 'argus'), 'preflight')).stdout);
    if (!facts.arch) throw new DeployError(spec.host, step, `no bundle runs on a ${facts.uname || 'host of unknown architecture'} host`);
    step = 'bundle';
    const bundle = await ctx.bundleFor(facts.arch);
    const model = spec.model ?? bundle.manifest.model.name;
    if (model !== bundle.manifest.model.name) {
      throw new DeployError(spec.host, step, `model '${model}' is not in the bundle ${bundle.dir} (it holds '${bundle.manifest.model.name}'; build one with argus bundle --model ${model})`);
    }
    step = 'preflight';
    const verdict = checkFacts(facts, {
      arch: bundle.manifest.arch,
      engines: bundle.manifest.node.engines,
      bundledNode: Boolean(bundle.manifest.node.bundled),
      bundleBytes: bundle.manifest.size.bytes,
      ...(spec.source ? { source: spec.source } : {}),
    });
    result.warnings.push(...verdict.warnings);
    if (verdict.errors.length) throw new DeployError(spec.host, step, verdict.errors.join('; '));
    const deviceId = spec.deviceId ?? deviceIdFromHostname(facts.hostname);
    const release = releaseName(new Date(), facts.releases);
    Object.assign(result, { deviceId, release, previous: facts.current, version: bundle.manifest.version });
    const settings = { release, bundle: bundle.manifest.version, env: releaseEnv(spec, deviceId, model) };
    say(`preflight ok: ${facts.uname}, Node.js ${bundle.manifest.node.bundled ? `${bundle.manifest.node.bundled} (bundled)` : facts.node}, ${Math.round(facts.freeBytes / 2 ** 20)} MiB free, device '${deviceId}'`);

    if (ctx.dryRun) {
      result.outcome = 'planned';
      result.plan = plan(facts, bundle, release, settings, ctx);
      return result;
    }

    step = 'upload';
    say(`uploading ${bundle.dir} to ${facts.root}/releases/${release}${facts.current ? ` (unchanged files linked from ${facts.current})` : ''}`);
    await ssh.sh(`mkdir -p ${shellQuote(`${facts.root}/releases`)}`, 'mkdir releases');
    try {
      await ssh.upload(bundle.dir, `${facts.root}/releases/${release}`, facts.current ? { linkDest: `${facts.root}/releases/${facts.current}` } : {});
    } catch (e) {
      await ssh.sh(`rm -rf ${shellQuote(`${facts.root}/releases/${release}`)}`, 'remove partial upload', { check: false }).catch(() => undefined);
      throw e;
    }

    step = 'start';
    say(`switching current to ${release} and starting it with pm2`);
    const health = await startAndWait(ssh, ctx, facts, { broker: spec.broker, deviceId, version: bundle.manifest.version }, () =>
      ssh.sh(activateScript(facts.root, release, settings), 'activate'),
    );
    if (health.ok) {
      result.outcome = 'deployed';
      result.onlineAfterS = Math.round(health.ms / 100) / 10;
      say(`online after ${result.onlineAfterS} s`);
      step = 'finalize';
      result.pruned = await finalize(ssh, ctx, facts);
      result.boot = await installBoot(ssh, ctx, facts);
      return result;
    }

    result.reason = health.reason;
    say(`release ${release} failed: ${health.reason}`);
    result.logs = (await ssh.sh(pm2LogsScript(facts.root), 'pm2 logs', { check: false })).stdout.replace(/\x1b\[[0-9;]*m/g, '').trim();
    if (!facts.current) {
      step = 'remove failed release';
      await ssh.sh(removeFailedScript(facts.root, release), step, { check: false });
      result.outcome = 'failed';
      return result;
    }
    step = 'rollback';
    const previous = facts.current;
    say(`rolling back to ${previous}`);
    // The previous release comes back with its own settings: watch its broker and device id.
    const prev = await previousSettings(ssh, facts.root, previous);
    const back = await startAndWait(ssh, ctx, facts, { broker: prev.ARGUS_BROKER || undefined, deviceId: prev.ARGUS_DEVICE_ID || deviceId }, () =>
      ssh.sh(rollbackScript(facts.root, release, previous), 'rollback'),
    );
    result.outcome = 'rolled-back';
    result.rollback = back.ok ? { ok: true } : { ok: false, reason: back.reason };
    say(back.ok ? `rolled back: ${previous} is online again` : `rollback to ${previous} did not come online: ${back.reason}`);
    if (back.ok) result.pruned = await finalize(ssh, ctx, facts);
    return result;
  } catch (e) {
    result.outcome = 'failed';
    result.reason = e instanceof DeployError || e instanceof RemoteCommandError ? e.message : `${spec.host}: ${step}: ${(e as Error).message}`;
    return result;
  } finally {
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    await ssh.close();
  }
}

/**
 * Runs the start step (it prints `t0=` on the host's clock) and waits for the device's status,
 * through the given broker or a tunnel to the device's embedded one, failing early when pm2 shows
 * a crash loop.
 */
async function startAndWait(
  ssh: SshHost,
  ctx: DeployContext,
  facts: HostFacts,
  watch: { broker: string | undefined; deviceId: string; version?: string },
  start: () => Promise<{ stdout: string }>,
): Promise<WaitOnlineResult> {
  const { deviceId, version } = watch;
  let tunnel: ReturnType<SshHost['forward']> | undefined;
  try {
    let url = watch.broker;
    if (!url) {
      const port = await freePort();
      tunnel = ssh.forward(port, ctx.embeddedBrokerPort);
      url = `mqtt://127.0.0.1:${port}`;
    }
    let out: { stdout: string };
    try {
      out = await start();
    } catch (e) {
      // current may already point at the release: a failed start is a failed release, rolled back.
      return { ok: false, ms: 0, reason: (e as Error).message };
    }
    const since = Number(field(out.stdout, 't0'));
    let baseline: number | undefined;
    const poll = async () => {
      const state = appState((await ssh.sh(pm2ListScript(facts.root), 'pm2 jlist', { check: false })).stdout);
      baseline ??= state?.restarts ?? 0;
      return crashVerdict(state, baseline);
    };
    await poll().catch(() => undefined);
    return await waitOnline({
      url,
      topic: `${ctx.prefix}/${deviceId}/status`,
      since: Number.isFinite(since) ? since : 0,
      ...(version ? { version } : {}),
      timeoutMs: ctx.timeoutS * 1000,
      poll,
    });
  } finally {
    tunnel?.kill();
  }
}

/** The runtime environment a release was deployed with (its deploy.json), or {} when unreadable. */
async function previousSettings(ssh: SshHost, root: string, release: string): Promise<Record<string, string | undefined>> {
  const r = await ssh.sh(`cat ${shellQuote(`${root}/releases/${release}/${DEPLOY_SETTINGS_FILE}`)}`, 'read deploy.json', { check: false });
  try {
    return (JSON.parse(r.stdout) as { env?: Record<string, string> }).env ?? {};
  } catch {
    return {};
  }
}

async function finalize(ssh: SshHost, ctx: DeployContext, facts: HostFacts): Promise<string[]> {
  const out = (await ssh.sh(finalizeScript(facts.root, ctx.keep), 'pm2 save and prune')).stdout;
  return [...out.matchAll(/^pruned=(.*)$/gm)].map((m) => m[1]!);
}

/** `pm2 save` is done; the boot service is installed once, when allowed and possible. */
async function installBoot(ssh: SshHost, ctx: DeployContext, facts: HostFacts): Promise<string> {
  if (facts.boot) return 'already installed';
  if (!ctx.boot) return 'skipped (--no-boot)';
  const script = bootScript(facts.root, facts.user, facts.home, facts.sudo === 'root');
  if (!facts.systemd) return 'not installed: the host does not run systemd';
  if (facts.sudo === 'no') {
    return `not installed: ${facts.user} has no passwordless sudo; run once on the host: sudo env PATH=$PATH ${facts.root}/current/bin/pm2 startup systemd -u ${facts.user} --hp ${facts.home}`;
  }
  const r = await ssh.sh(script, 'install boot service', { check: false });
  return r.code === 0 ? `installed (pm2-${facts.user}.service)` : `not installed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
}

function plan(facts: HostFacts, bundle: BundleRef, release: string, settings: object, ctx: DeployContext): string[] {
  const r = facts.root;
  return [
    `rsync ${bundle.dir}/ → ${r}/releases/${release}/${facts.current ? ` (--link-dest ${r}/releases/${facts.current})` : ''}`,
    `write ${r}/releases/${release}/deploy.json ${JSON.stringify(settings)}`,
    `ln -sfn releases/${release} current (atomic rename)`,
    `pm2 startOrReload ${r}/current/ecosystem.config.cjs --update-env`,
    `wait up to ${ctx.timeoutS} s for ${ctx.prefix}/<device>/status = online`,
    facts.current ? `on failure: back to ${facts.current}` : 'on failure: stop and unlink (no previous release)',
    `pm2 save; keep the newest ${ctx.keep} releases`,
    facts.boot ? 'boot service already installed' : ctx.boot ? 'install the boot service (pm2 resurrect at boot)' : 'boot service: skipped',
  ];
}
