import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeCameraOptions {
  /** JPEG files streamed in this order, over and over. */
  images: string[];
  fps?: number;
  /** Every n-th frame is corrupt, alternating a garbled header and a truncated JPEG. 0: none. */
  corruptEvery?: number;
  /** The first run exits with code 3 after this many frames (later runs stream on). 0: never. */
  exitAfter?: number;
  /** The executable's name: rpicam-vid or libcamera-vid. */
  name?: string;
}

export interface FakeCamera {
  /** The folder holding the executable, to put first on PATH. */
  dir: string;
  path: string;
  /** The arguments of each run so far. */
  runs(): string[][];
}

/**
 * The camera process as rpicam-vid behaves for argus: MJPEG on stdout at a frame rate, messages on
 * stderr, until killed. A small Node script, so tests run where no camera stack is installed.
 */
const SCRIPT = String.raw`
const fs = require('fs');
const path = require('path');
const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'fake-camera.json'), 'utf8'));
const runsFile = path.join(__dirname, 'runs.jsonl');
fs.appendFileSync(runsFile, JSON.stringify(process.argv.slice(2)) + '\n');
const firstRun = fs.readFileSync(runsFile, 'utf8').trim().split('\n').length === 1;
const jpegs = cfg.images.map((f) => fs.readFileSync(f));
process.stderr.write('fake camera: streaming ' + jpegs.length + ' images\n');
process.on('SIGTERM', () => process.exit(0));
let n = 0;
let corrupted = 0;
setInterval(() => {
  let frame = jpegs[n % jpegs.length];
  if (cfg.corruptEvery && n % cfg.corruptEvery === cfg.corruptEvery - 1) {
    frame = corrupted++ % 2 === 0
      ? Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('not a jpeg header'), Buffer.from([0xff, 0xd9])])
      : frame.subarray(0, frame.length >> 1);
  }
  process.stdout.write(frame);
  n++;
  if (firstRun && cfg.exitAfter && n >= cfg.exitAfter) {
    process.stderr.write('fake camera: failing on purpose\n');
    process.exit(3);
  }
}, 1000 / cfg.fps);
`;

export function makeFakeCamera(opts: FakeCameraOptions): FakeCamera {
  const dir = mkdtempSync(join(tmpdir(), 'argus-fake-camera-'));
  const path = join(dir, opts.name ?? 'rpicam-vid');
  writeFileSync(join(dir, 'fake-camera.json'), JSON.stringify({ images: opts.images, fps: opts.fps ?? 10, corruptEvery: opts.corruptEvery ?? 0, exitAfter: opts.exitAfter ?? 0 }));
  writeFileSync(path, `#!${process.execPath}\n${SCRIPT}`);
  chmodSync(path, 0o755);
  const runsFile = join(dir, 'runs.jsonl');
  return {
    dir,
    path,
    runs: () => (existsSync(runsFile) ? readFileSync(runsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : []),
  };
}

/** Runs `fn` with `dir` alone or first on PATH, then puts PATH back. */
export async function withPath<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}
