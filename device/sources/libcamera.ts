import { ArgusError } from '../../models/errors.js';
import type { SourceOptions } from './options.js';
import { ProcessSource } from './process-source.js';
import type { FrameSource, SourcePlugin } from './source.js';
import { findOnPath } from './which.js';

/** Raspberry Pi camera tools, newest name first (Bookworm renamed libcamera-vid to rpicam-vid). */
export const LIBCAMERA_TOOLS = ['rpicam-vid', 'libcamera-vid'] as const;

/** The camera tool on PATH, or null when this is no Pi with a camera stack. */
export function findLibcameraTool(): string | null {
  for (const tool of LIBCAMERA_TOOLS) {
    const path = findOnPath(tool);
    if (path) return path;
  }
  return null;
}

/** Arguments for one long-running capture writing MJPEG frames to stdout until killed. */
export function libcameraArgs(opts: Pick<SourceOptions, 'width' | 'height' | 'fps' | 'extraArgs'>): string[] {
  return [
    '--codec', 'mjpeg', '-t', '0', '-o', '-',
    '--width', String(opts.width), '--height', String(opts.height),
    '--framerate', String(opts.fps), '--nopreview',
    ...opts.extraArgs,
  ];
}

function create(arg: string, opts: SourceOptions): FrameSource {
  if (arg) throw new ArgusError(`camera source 'libcamera:${arg}': libcamera takes no argument (use options width, height, fps, extraArgs)`);
  const tool = findLibcameraTool();
  if (!tool) throw new ArgusError(`camera source 'libcamera': neither ${LIBCAMERA_TOOLS.join(' nor ')} is on PATH (install rpicam-apps)`);
  return new ProcessSource(`libcamera (${tool} ${opts.width}x${opts.height}@${opts.fps})`, { command: tool, args: libcameraArgs(opts) }, opts);
}

/** `libcamera`: the Pi camera through rpicam-vid (or libcamera-vid). */
export const libcameraSource: SourcePlugin = { kind: 'libcamera', usage: 'libcamera', create };
