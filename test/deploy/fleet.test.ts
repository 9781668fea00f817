import assert from 'node:assert/strict';
import test from 'node:test';
import { deployFleet } from '../../deploy/fleet/deploy-fleet.js';
import { allSucceeded, formatReport } from '../../deploy/fleet/report.js';
import { appState, crashVerdict } from '../../deploy/health/pm2-state.js';
import { releaseEnv, releaseName } from '../../deploy/remote/deploy-host.js';
import type { DeployContext, HostResult, HostSpec } from '../../deploy/remote/host-spec.js';
import { checkFacts, deviceIdFromHostname, parseFacts } from '../../deploy/remote/preflight.js';

const ctx = { log: () => {} } as unknown as DeployContext;
const hosts = (n: number): HostSpec[] => Array.from({ length: n }, (_, i) => ({ host: `pi${i}` }));

/** A fake deploy that fails the hosts named in `failing` and records how many ran at once. */
function fake(failing: string[] = []) {
  const calls: string[] = [];
  let running = 0;
  let peak = 0;
  const deployOne = async (spec: HostSpec): Promise<HostResult> => {
    calls.push(spec.host);
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
    return { host: spec.host, outcome: failing.includes(spec.host) ? 'rolled-back' : 'deployed', warnings: [], seconds: 0 };
  };
  return { deployOne, calls, peak: () => peak };
}

test('a fleet deploys one canary first, then the rest at most --parallel at a time, results in host order', async () => {
  const f = fake();
  const results = await deployFleet(hosts(7), ctx, { parallel: 3 }, f.deployOne);
  assert.equal(f.calls[0], 'pi0');
  assert.deepEqual(results.map((r) => r.host), ['pi0', 'pi1', 'pi2', 'pi3', 'pi4', 'pi5', 'pi6']);
  assert.equal(f.peak(), 3);
  assert.ok(allSucceeded(results));
});

test('a failed canary leaves the rest of the fleet untouched', async () => {
  const f = fake(['pi1']);
  const results = await deployFleet(hosts(5), ctx, { canary: 2, parallel: 4 }, f.deployOne);
  assert.deepEqual(f.calls, ['pi0', 'pi1']);
  assert.deepEqual(results.map((r) => r.outcome), ['deployed', 'rolled-back', 'skipped', 'skipped', 'skipped']);
  assert.match(results[2]!.reason!, /canary pi1 was not deployed \(rolled-back\)/);
  assert.ok(!allSucceeded(results));
  const report = formatReport(results);
  assert.match(report, /ROLLED BACK {2}pi1/);
  assert.match(report, /5 hosts: 1 deployed, 1 rolled-back, 3 skipped$/);
});

test('a single host has no canary; a failure after the canaries does not stop the others', async () => {
  const one = fake();
  await deployFleet(hosts(1), ctx, { parallel: 4 }, one.deployOne);
  assert.deepEqual(one.calls, ['pi0']);
  const f = fake(['pi2']);
  const results = await deployFleet(hosts(4), ctx, { parallel: 2 }, f.deployOne);
  assert.deepEqual(results.map((r) => r.outcome), ['deployed', 'deployed', 'rolled-back', 'deployed']);
});

test('release names sort by time and never reuse a name, failed ones included', () => {
  const now = new Date('2025-11-25T14:30:05.123Z');
  assert.equal(releaseName(now, []), '20251125-143005');
  assert.equal(releaseName(now, ['20251125-143005-failed']), '20251125-143005-2');
  assert.equal(releaseName(now, ['20251125-143005', '20251125-143005-2']), '20251125-143005-3');
});

test('a release sets every runtime variable, blank when not given, so a reload cannot keep an old one', () => {
  const env = releaseEnv({ host: 'pi', source: 'libcamera', env: { ARGUS_THRESHOLD: '0.5' } }, 'kitchen', 'coco-nanodet');
  assert.equal(env.ARGUS_DEVICE_ID, 'kitchen');
  assert.equal(env.ARGUS_MODEL, 'coco-nanodet');
  assert.equal(env.ARGUS_SOURCE, 'libcamera');
  assert.equal(env.ARGUS_THRESHOLD, '0.5');
  assert.equal(env.ARGUS_BROKER, '');
  assert.equal(env.ARGUS_MODELS, '');
});

const PI = `home=/home/pi
root=/home/pi/argus
user=pi
uid=1000
hostname=Kitchen.Pi
arch=aarch64
node=v20.18.1
free_kb=4000000
camera_tools= rpicam-vid ffmpeg
video_devices=/dev/video0 /dev/video10
rsync=/usr/bin/rsync
current=releases/20251125-120000
releases=20251125-110000 20251125-120000
boot=no
systemd=yes
sudo=yes
`;

test('preflight facts parse and pass for a Pi 4 with Node 20', () => {
  const f = parseFacts(PI);
  assert.equal(f.arch, 'arm64');
  assert.equal(f.node, '20.18.1');
  assert.equal(f.current, '20251125-120000');
  assert.deepEqual(f.cameraTools, ['rpicam-vid', 'ffmpeg']);
  assert.equal(f.freeBytes, 4000000 * 1024);
  assert.equal(deviceIdFromHostname(f.hostname), 'kitchen-pi');
  const needs = { arch: 'arm64' as const, engines: '>=20.9', bundledNode: false, bundleBytes: 120 * 2 ** 20, source: 'libcamera' };
  assert.deepEqual(checkFacts(f, needs), { errors: [], warnings: [] });
});

test('preflight refuses the wrong architecture, an old or missing Node, a full disk, missing tools', () => {
  const needs = { arch: 'arm64' as const, engines: '>=20.9', bundledNode: false, bundleBytes: 120 * 2 ** 20 };
  const bad = parseFacts(PI.replace('arch=aarch64', 'arch=armv7l').replace('node=v20.18.1', 'node=v18.19.0').replace('rsync=/usr/bin/rsync', 'rsync=none').replace('current=releases/20251125-120000', 'current=').replace('free_kb=4000000', 'free_kb=100000'));
  const { errors } = checkFacts(bad, needs);
  assert.match(errors.join('\n'), /the host is armv7l, the bundle is for linux-arm64/);
  assert.match(errors.join('\n'), /Node\.js 18\.19\.0, the bundle needs >=20\.9/);
  assert.match(errors.join('\n'), /only 98 MiB free under \/home\/pi\/argus, 320 MiB needed/);
  assert.match(errors.join('\n'), /rsync is not installed/);
  assert.deepEqual(checkFacts(parseFacts(PI.replace('node=v20.18.1', 'node=none')), { ...needs, bundledNode: true }).errors, [], 'a bundled Node.js needs none on the host');
  assert.match(checkFacts(parseFacts(PI.replace(' rpicam-vid', '')), { ...needs, source: 'libcamera' }).errors[0]!, /needs rpicam-vid or libcamera-vid/);
  const noCamera = parseFacts(PI.replace('camera_tools= rpicam-vid ffmpeg', 'camera_tools=').replace('video_devices=/dev/video0 /dev/video10', 'video_devices='));
  assert.match(checkFacts(noCamera, needs).warnings[0]!, /fall back to its demo source/);
});

test('pm2 state: errored, crash loops and a missing app fail early; a steady app does not', () => {
  const jlist = (status: string, restarts: number) => `>>>> In-memory PM2 is out-of-date\n${JSON.stringify([{ name: 'pm2-logrotate', pid: 5, pm2_env: { status: 'online', restart_time: 0 } }, { name: 'argus', pid: 7, pm2_env: { status, restart_time: restarts } }])}`;
  assert.deepEqual(appState(jlist('online', 3)), { status: 'online', restarts: 3, pid: 7 });
  assert.equal(crashVerdict(appState(jlist('online', 3)), 3), null);
  assert.match(crashVerdict(appState(jlist('online', 5)), 3)!, /crashed 2 times/);
  assert.match(crashVerdict(appState(jlist('errored', 10)), 0)!, /errored/);
  assert.match(crashVerdict(appState('[]'), 0)!, /does not run 'argus'/);
  assert.equal(appState('not json'), null);
});
