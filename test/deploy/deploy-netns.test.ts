import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostResult } from '../../deploy/remote/host-spec.js';
import { runCli } from '../helpers/cli.js';
import { freePort, Mosquitto, Recorder } from '../helpers/mosquitto.js';
import { buildTestBundle, defaultModelStore } from './bundle-fixture.js';
import { NetnsHost } from './netns-host.js';

const unavailable = NetnsHost.unavailable();
const DEVICE = 'test-pi';

/**
 * The deploy for real: an x64 bundle to a host in a network namespace over ssh, started by pm2,
 * checked online over MQTT; then a release with a broken model, which must roll back.
 */
describe('argus deploy to a test host in a network namespace', { skip: unavailable ? `skipped: ${unavailable}` : false, timeout: 300_000 }, () => {
  let host: NetnsHost;
  let broker: Mosquitto;
  let brokerUrl: string;
  let bundleDir: string;
  let watcher: Recorder;
  const root = () => join(host.home, 'argus');
  const deploy = async (...args: string[]) => {
    const r = await runCli(['deploy', NetnsHost.ALIAS, '--ssh-config', host.sshConfig, '--device-id', DEVICE, '--no-boot', '--keep', '2', '--timeout', '60', '--json', ...args]);
    let results: HostResult[] = [];
    try {
      results = JSON.parse(r.stdout) as HostResult[];
    } catch {
      assert.fail(`deploy printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    return { ...r, result: results[0]! };
  };
  /** The pid pm2 runs the runtime as, and the release folder it runs in. */
  const running = () => {
    const r = host.ssh(`${root()}/current/bin/pm2 jlist`);
    const list = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { name: string; pid: number; pm2_env: { status: string } }[];
    const app = list.find((p) => p.name === 'argus');
    assert.ok(app, `pm2 runs no 'argus': ${r.stdout}`);
    return {
      status: app.pm2_env.status,
      release: realpathSync(`/proc/${app.pid}/cwd`).split('/').pop(),
      apps: list.map((p) => `${p.name} ${p.pm2_env.status}`).sort(),
    };
  };

  const scratch: string[] = [];

  before(async () => {
    const store = await defaultModelStore();
    bundleDir = (await buildTestBundle('x64', store)).dir;
    scratch.push(dirname(store), dirname(bundleDir));
    host = new NetnsHost();
    await host.start();
    const port = await freePort();
    broker = await Mosquitto.start(`listener ${port} ${NetnsHost.LOCAL_ADDR}`);
    brokerUrl = `mqtt://${NetnsHost.LOCAL_ADDR}:${port}`;
    watcher = await Recorder.connect(brokerUrl, `argus/${DEVICE}/status`);
  });

  after(async () => {
    await watcher?.close().catch(() => undefined);
    await host?.stop();
    await broker?.stop();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  let first: HostResult;

  test('deploys the bundle: pm2 runs it from the new release and it comes online on the broker', async () => {
    const r = await deploy('--bundle', bundleDir, '--broker', brokerUrl);
    first = r.result;
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(first.outcome, 'deployed', JSON.stringify(first));
    assert.equal(readlinkSync(join(root(), 'current')), `releases/${first.release}`);
    const proc = running();
    assert.equal(proc.status, 'online');
    assert.equal(proc.release, first.release);
    assert.deepEqual(proc.apps, ['argus online', 'pm2-logrotate online'], 'the runtime and its log rotation');
    const online = watcher.json(`argus/${DEVICE}/status`).filter((s) => (s as { state: string }).state === 'online');
    assert.ok(online.length >= 1, 'the test broker got the online status');
    assert.ok(existsSync(join(host.home, '.pm2', 'dump.pm2')), 'pm2 save wrote the dump that boot resurrects');
  });

  test('a dry run checks the host and changes nothing', async () => {
    const r = await deploy('--bundle', bundleDir, '--broker', brokerUrl, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.result.outcome, 'planned');
    assert.ok(r.result.plan!.some((p) => p.includes('startOrReload')));
    assert.equal(readlinkSync(join(root(), 'current')), `releases/${first.release}`);
  });

  let second: HostResult;

  test('without --broker the device runs its embedded broker and the deploy watches it through ssh', async () => {
    const r = await deploy('--bundle', bundleDir);
    second = r.result;
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(second.outcome, 'deployed', JSON.stringify(second));
    assert.equal(second.previous, first.release);
    assert.equal(running().release, second.release);
    const settings = JSON.parse(readFileSync(join(root(), 'releases', second.release!, 'deploy.json'), 'utf8'));
    assert.equal(settings.env.ARGUS_BROKER, '', 'blank, so the runtime starts its embedded broker');
    assert.equal(settings.env.ARGUS_DEVICE_ID, DEVICE);
  });

  test('a release with a broken model does not come online and rolls back to the previous one', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'argus-broken-')), 'bundle');
    scratch.push(dirname(broken));
    cpSync(bundleDir, broken, { recursive: true, verbatimSymlinks: true });
    const modelDir = join(broken, 'models', 'store', 'coco-nanodet');
    for (const f of readdirSync(modelDir).filter((f) => f.endsWith('.onnx'))) writeFileSync(join(modelDir, f), 'not an onnx model');
    const r = await deploy('--bundle', broken, '--broker', brokerUrl);
    const res = r.result;
    assert.equal(r.code, 1, 'a failed release is a failed deploy');
    assert.equal(res.outcome, 'rolled-back', JSON.stringify(res));
    assert.deepEqual(res.rollback, { ok: true });
    assert.equal(res.previous, second.release);
    assert.match(res.reason!, /crash|errored|not online/);
    assert.match(res.logs ?? '', /model\.(int8\.)?onnx/, 'the report shows the runtime log naming the bad file');
    assert.equal(readlinkSync(join(root(), 'current')), `releases/${second.release}`);
    const proc = running();
    assert.equal(proc.status, 'online');
    assert.equal(proc.release, second.release);
    assert.ok(existsSync(join(root(), 'releases', `${res.release}-failed`)), 'the failed release is kept for inspection');
    // keep 2: the first release goes, except that its pm2 started the daemon
    assert.ok(readdirSync(join(root(), 'releases')).length <= 3);
  });
});
