import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { readBundleManifest, formatBytes, type BundleManifest } from '../../deploy/bundle/bundle-manifest.js';
import { findPackages } from '../../deploy/bundle/build-bundle.js';
import { runProcess, type ProcessResult } from '../../deploy/process.js';
import { FORBIDDEN_PACKAGES } from '../../deploy/bundle/options.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { projectRoot, sharedDir } from '../../models/paths.js';
import { runCli } from '../helpers/cli.js';
import { compareDetections, parseDetectJson } from './compare-detections.js';
import { defaultModelStore } from './bundle-fixture.js';

/** Upper bounds that catch a trainer dependency or foreign binaries slipping in (today: ~90 MiB of node_modules). */
const MAX_NODE_MODULES = 120 * 2 ** 20;
const MAX_WITHOUT_NODE = 150 * 2 ** 20;
const IMAGES = ['000000000139.jpg', '000000000285.jpg', '000000000632.jpg'];
const CPUINFO = join(projectRoot(), 'test', 'deploy', 'fixtures', 'cpuinfo-rpi4.txt');

/** Why the arm64 runtime cannot be emulated here, or null. */
function noQemu(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to bind-mount a Pi cpuinfo over /proc/cpuinfo (unshare -m)';
  if (spawnSync('sh', ['-c', 'command -v qemu-aarch64-static && command -v unshare']).status !== 0) return 'needs qemu-aarch64-static (Debian qemu-user-static) and unshare';
  if (!existsSync('/lib/ld-linux-aarch64.so.1') || !existsSync('/usr/lib/aarch64-linux-gnu/libstdc++.so.6')) {
    return 'needs arm64 libraries (dpkg --add-architecture arm64; apt install libc6:arm64 libstdc++6:arm64; scripts/setup.sh does it)';
  }
  return null;
}

function elfMachine(file: string): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(20);
  readSync(fd, buf, 0, 20, 0);
  closeSync(fd);
  return buf.readUInt16LE(18);
}

/**
 * The arm64 bundle's `argus detect` under qemu-user, as on a Raspberry Pi 4: its /proc/cpuinfo
 * bind-mounted in a private mount namespace (onnxruntime's CPU detection crashes on the x86 one)
 * and QEMU_CPU=cortex-a72.
 */
function detectUnderQemu(bundle: string, precision: string, images: string[]): Promise<ProcessResult> {
  const script = 'mount --bind "$1" /proc/cpuinfo && shift && exec qemu-aarch64-static "$@"';
  const args = ['-m', 'sh', '-c', script, 'sh', CPUINFO, join(bundle, 'node', 'bin', 'node'), join(bundle, 'dist', 'cli', 'argus.js')];
  args.push('detect', DEFAULT_MODEL, ...images, '--json', '--precision', precision, '--threads', '1');
  return runProcess('unshare', args, { env: { ...process.env, QEMU_CPU: 'cortex-a72', ARGUS_LOG_FORMAT: 'json', ARGUS_MODELS: '' } });
}

describe('the arm64 device bundle', { timeout: 480_000 }, () => {
  let store: string;
  let dir: string;
  let manifest: BundleManifest;
  let printed = '';

  after(() => {
    for (const d of [store, dir]) if (d) rmSync(dirname(d), { recursive: true, force: true });
  });

  before(async () => {
    store = await defaultModelStore();
    dir = join(mkdtempSync(join(tmpdir(), 'argus-bundle-arm64-')), 'bundle');
    const r = await runCli(['bundle', '--arch', 'arm64', '--node', '--out', dir], { ARGUS_MODELS: store });
    assert.equal(r.code, 0, r.stderr);
    printed = r.stdout;
    manifest = readBundleManifest(dir);
  });

  test('holds the device code, the model, linux-arm64 node_modules, pm2 and Node.js; no trainer; prints its size', (t) => {
    for (const line of printed.trim().split('\n')) t.diagnostic(line.trim());
    const m = /size ([\d.]+) MiB in (\d+) files/.exec(printed);
    assert.ok(m, `argus bundle prints the size: ${printed}`);
    assert.equal(`${m[1]} MiB`, formatBytes(manifest.size.bytes));
    assert.equal(Number(m[2]), manifest.size.files);
    assert.equal(manifest.arch, 'arm64');
    assert.equal(manifest.node.bundled, process.versions.node);
    assert.equal(manifest.model.name, DEFAULT_MODEL);
    for (const f of manifest.model.files) assert.ok(existsSync(join(dir, 'models', 'store', DEFAULT_MODEL, f)), f);

    assert.deepEqual(readdirSync(join(dir, 'dist')).sort(), ['cli', 'device', 'models'], 'no trainer, deploy or test code');
    assert.ok(existsSync(join(dir, 'device', 'demo')), 'the demo source has its photos');
    const nm = join(dir, 'node_modules');
    assert.deepEqual(findPackages(nm, FORBIDDEN_PACKAGES), []);
    const lock = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    for (const f of FORBIDDEN_PACKAGES) assert.ok(!lock.includes(`node_modules/${f}`), `${f} is not in the bundle's lockfile`);
    assert.ok(existsSync(join(nm, '@img', 'sharp-linux-arm64')) && existsSync(join(nm, '@img', 'sharp-libvips-linux-arm64')), "sharp's arm64 binaries");
    assert.ok(!existsSync(join(nm, '@img', 'sharp-linux-x64')), "no x64 sharp");
    assert.deepEqual(readdirSync(join(nm, 'onnxruntime-node', 'bin', 'napi-v6')), ['linux']);
    assert.deepEqual(readdirSync(join(nm, 'onnxruntime-node', 'bin', 'napi-v6', 'linux')), ['arm64']);
    assert.ok(existsSync(join(nm, 'pm2', 'bin', 'pm2')) && existsSync(join(nm, 'pm2-logrotate', 'app.js')));
    assert.ok(existsSync(join(dir, 'ecosystem.config.cjs')));
    const EM_AARCH64 = 183;
    assert.equal(elfMachine(join(dir, 'node', 'bin', 'node')), EM_AARCH64);
    assert.equal(elfMachine(join(nm, 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'arm64', 'onnxruntime_binding.node')), EM_AARCH64);

    const parts = manifest.size.parts;
    assert.ok(parts.node_modules! < MAX_NODE_MODULES, `node_modules ${formatBytes(parts.node_modules!)} (limit ${formatBytes(MAX_NODE_MODULES)})`);
    assert.ok(manifest.size.bytes - (parts.node ?? 0) < MAX_WITHOUT_NODE, `bundle without Node.js ${formatBytes(manifest.size.bytes - (parts.node ?? 0))}`);
    t.diagnostic(`arm64 bundle: ${formatBytes(manifest.size.bytes)} (${formatBytes(manifest.size.bytes - (parts.node ?? 0))} without the bundled Node.js)`);
  });

  test('runs under qemu-user as a Raspberry Pi 4 and finds what the x64 run finds', { skip: noQemu() ?? false }, async (t) => {
    const val = join(sharedDir(), 'data', 'coco128', 'images', 'val2017');
    if (!existsSync(val)) return t.skip(`${val} is missing: set ARGUS_SHARED to the shared test data folder`);
    const precision = 'int8';
    assert.ok(manifest.model.precisions.includes(precision), 'the bundle ships the default model in int8');
    const images = IMAGES.map((f) => join(val, f));
    const started = Date.now();
    const arm = await detectUnderQemu(dir, precision, images);
    assert.equal(arm.code, 0, `arm64 detect under qemu failed:\n${arm.stderr}`);
    const armSeconds = (Date.now() - started) / 1000;
    const x64 = await runCli(['detect', DEFAULT_MODEL, ...images, '--json', '--precision', precision, '--threads', '1'], { ARGUS_MODELS: store });
    assert.equal(x64.code, 0, x64.stderr);
    const armLines = parseDetectJson(arm.stdout);
    const x64Lines = parseDetectJson(x64.stdout);
    assert.equal(armLines.length, images.length);
    const manifestJson = JSON.parse(readFileSync(join(dir, 'models', 'store', DEFAULT_MODEL, 'model.json'), 'utf8'));
    const threshold = manifestJson.postprocess?.scoreThreshold ?? 0.35;
    for (const [i, a] of armLines.entries()) {
      const x = x64Lines[i]!;
      assert.equal(a.model.precision, precision);
      const { width, height } = await sharp(a.file).metadata();
      const scale = Math.min(manifestJson.input.width / width!, manifestJson.input.height / height!);
      const c = compareDetections(x.detections, a.detections, threshold, { scale });
      t.diagnostic(
        `${basename(a.file)} ${precision}: x64 ${x.detections.length} / arm64 ${a.detections.length} detections, ${c.paired} paired ` +
          `(labels ${[...new Set(x.detections.map((d) => d.label))].join(', ')}), max |Δbox| ${c.maxBox.toFixed(2)} px of the ` +
          `${manifestJson.input.width}x${manifestJson.input.height} input (${c.maxBoxImagePx.toFixed(2)} px of the photo), max |Δscore| ${c.maxScore.toFixed(4)}`,
      );
      assert.deepEqual(c.unmatched, [], `x64 detections with no arm64 match in ${a.file}`);
      assert.deepEqual(c.leftover, [], `arm64 detections with no x64 match in ${a.file}`);
      assert.ok(c.paired > 0, `${a.file}: something is found`);
    }
    t.diagnostic(`arm64 under qemu: ${armSeconds.toFixed(0)} s for ${images.length} images (emulated timings mean nothing)`);
  });
});
