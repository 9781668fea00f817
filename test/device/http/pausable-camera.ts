import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake `rpicam-vid` that streams one JPEG at a frame rate while its switch file exists and goes
 * silent, but stays alive, while it does not: a camera that hangs. Put `dir` first on PATH.
 */
const SCRIPT = String.raw`
const fs = require('fs');
const path = require('path');
const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'camera.json'), 'utf8'));
const jpeg = fs.readFileSync(cfg.image);
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {
  if (fs.existsSync(path.join(__dirname, 'streaming'))) process.stdout.write(jpeg);
}, 1000 / cfg.fps);
`;

export class PausableCamera {
  readonly dir = mkdtempSync(join(tmpdir(), 'argus-pausable-camera-'));

  constructor(image: string, fps = 10) {
    writeFileSync(join(this.dir, 'camera.json'), JSON.stringify({ image, fps }));
    const exe = join(this.dir, 'rpicam-vid');
    writeFileSync(exe, `#!${process.execPath}\n${SCRIPT}`);
    chmodSync(exe, 0o755);
    this.resume();
  }

  pause(): void {
    rmSync(join(this.dir, 'streaming'), { force: true });
  }

  resume(): void {
    writeFileSync(join(this.dir, 'streaming'), '');
  }
}
