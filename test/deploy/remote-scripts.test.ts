import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { ecosystemSource, PM2_POLICY } from '../../deploy/bundle/ecosystem.js';
import { activateScript, bootUnit, finalizeScript, preflightScript, removeFailedScript, rollbackScript } from '../../deploy/remote/scripts.js';
import { parseFacts } from '../../deploy/remote/preflight.js';

/**
 * The host-side scripts run here with sh against a folder laid out like a host, each release
 * holding a fake pm2 that records its arguments.
 */
function hostRoot(releases: string[]): string {
  const root = join(mkdtempSync(join(tmpdir(), 'argus-host-')), 'argus');
  for (const r of releases) {
    mkdirSync(join(root, 'releases', r, 'bin'), { recursive: true });
    const pm2 = join(root, 'releases', r, 'bin', 'pm2');
    writeFileSync(pm2, `#!/bin/sh\necho "${r} $*" >> "${root}/pm2.calls"\n`);
    chmodSync(pm2, 0o755);
  }
  return root;
}

function sh(script: string, env: Record<string, string> = {}): string {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', env: { ...process.env, PM2_HOME: '/nonexistent', ...env } });
  assert.equal(r.status, 0, `script failed: ${r.stderr}\n${script}`);
  return r.stdout;
}

const calls = (root: string) => readFileSync(join(root, 'pm2.calls'), 'utf8').trim().split('\n');

test('activate writes deploy.json, switches current to the release and reloads its ecosystem; rollback switches back', () => {
  const root = hostRoot(['r1', 'r2']);
  let out = sh(activateScript(root, 'r1', { env: { ARGUS_DEVICE_ID: "it's" } }));
  assert.match(out, /^t0=\d+$/m);
  assert.equal(readlinkSync(join(root, 'current')), 'releases/r1');
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'releases', 'r1', 'deploy.json'), 'utf8')), { env: { ARGUS_DEVICE_ID: "it's" } });
  assert.equal(readFileSync(join(root, '.pm2-daemon'), 'utf8').trim(), 'r1', 'no daemon ran: r1 pm2 starts it');

  out = sh(activateScript(root, 'r2', {}));
  assert.equal(readlinkSync(join(root, 'current')), 'releases/r2');
  assert.deepEqual(calls(root), [`r1 startOrReload ${root}/current/ecosystem.config.cjs --update-env`, `r2 startOrReload ${root}/current/ecosystem.config.cjs --update-env`]);

  sh(rollbackScript(root, 'r2', 'r1'));
  assert.equal(readlinkSync(join(root, 'current')), 'releases/r1');
  assert.deepEqual(readdirSync(join(root, 'releases')).sort(), ['r1', 'r2-failed']);
  assert.ok(!existsSync(join(root, 'current.next')));
});

test('a failed first release is stopped and unlinked', () => {
  const root = hostRoot(['r1']);
  sh(activateScript(root, 'r1', {}));
  sh(removeFailedScript(root, 'r1'));
  assert.ok(!existsSync(join(root, 'current')));
  assert.deepEqual(readdirSync(join(root, 'releases')), ['r1-failed']);
  assert.match(calls(root).join('\n'), /r1 delete argus pm2-logrotate/);
});

test('finalize saves and keeps the newest N releases, never the current one or the daemon one', () => {
  const root = hostRoot(['20250101-000000', '20250102-000000', '20250103-000000', '20250104-000000-failed', '20250105-000000', '20250106-000000']);
  const pm2Home = mkdtempSync(join(tmpdir(), 'argus-pm2home-'));
  sh(activateScript(root, '20250102-000000', {}), { PM2_HOME: pm2Home }); // no daemon yet: this release's pm2 starts it
  writeFileSync(join(pm2Home, 'pm2.pid'), String(process.pid)); // a live daemon
  sh(activateScript(root, '20250103-000000', {}), { PM2_HOME: pm2Home });
  assert.equal(readFileSync(join(root, '.pm2-daemon'), 'utf8').trim(), '20250102-000000');
  const out = sh(finalizeScript(root, 2));
  assert.deepEqual(readdirSync(join(root, 'releases')).sort(), ['20250102-000000', '20250103-000000', '20250105-000000', '20250106-000000']);
  assert.deepEqual([...out.matchAll(/^pruned=(.*)$/gm)].map((m) => m[1]).sort(), ['20250101-000000', '20250104-000000-failed']);
  assert.match(calls(root).pop()!, /save --force/);
});

test('preflight runs read-only on this machine and reports it', () => {
  const home = mkdtempSync(join(tmpdir(), 'argus-home-'));
  const facts = parseFacts(sh(preflightScript('argus'), { HOME: home }));
  assert.equal(facts.root, join(home, 'argus'));
  assert.ok(!existsSync(facts.root), 'preflight creates nothing');
  assert.equal(facts.arch, process.arch === 'arm64' ? 'arm64' : 'x64');
  assert.equal(facts.node, process.versions.node);
  assert.ok(facts.freeBytes > 0);
  assert.equal(facts.current, null);
});

test('the boot unit resurrects pm2 through current/, so it outlives the release it came from', () => {
  const unit = bootUnit('/home/pi/argus', 'pi', '/home/pi');
  assert.match(unit, /^ExecStart=\/home\/pi\/argus\/current\/bin\/pm2 resurrect$/m);
  assert.match(unit, /^User=pi$/m);
  assert.match(unit, /^PIDFile=\/home\/pi\/\.pm2\/pm2\.pid$/m);
});

test('the ecosystem file points pm2 at current/, merges deploy.json, and gives the runtime time to go offline', () => {
  const root = hostRoot(['r1']);
  const rel = join(root, 'releases', 'r1');
  writeFileSync(join(rel, 'ecosystem.config.cjs'), ecosystemSource());
  writeFileSync(join(rel, 'deploy.json'), JSON.stringify({ env: { ARGUS_DEVICE_ID: 'kitchen', ARGUS_BROKER: '' } }));
  const { apps } = createRequire(import.meta.url)(join(rel, 'ecosystem.config.cjs')) as { apps: Record<string, unknown>[] };
  const [argus, logrotate] = apps as [Record<string, any>, Record<string, any>];
  assert.equal(argus.name, 'argus');
  assert.equal(argus.script, join(root, 'current', 'bin', 'pm2-entry.cjs'));
  assert.equal(argus.cwd, join(root, 'current'));
  assert.deepEqual(argus.args, ['run']);
  assert.equal(argus.kill_timeout, PM2_POLICY.kill_timeout);
  assert.ok(argus.kill_timeout >= 5000, 'pm2 default 1.6 s could cut off the offline message');
  assert.equal(argus.max_memory_restart, '400M');
  assert.equal(argus.autorestart, true);
  assert.equal(argus.pmx, false);
  assert.equal(argus.env.ARGUS_DEVICE_ID, 'kitchen');
  assert.equal(argus.env.ARGUS_CONFIG, '');
  assert.equal(logrotate.name, 'pm2-logrotate');
  assert.equal(JSON.parse(logrotate.env['pm2-logrotate']).max_size, '10M');
});
