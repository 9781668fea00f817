import { spawn } from 'node:child_process';
import { ArgusError } from '../../models/errors.js';
import { MjpegSplitter } from './mjpeg-splitter.js';

/** The ffmpeg binary: `$ARGUS_FFMPEG`, else `ffmpeg` on PATH (Debian package `ffmpeg`). */
export function ffmpegPath(): string {
  return process.env.ARGUS_FFMPEG ?? 'ffmpeg';
}

export interface FfmpegFramesOptions {
  /** Resample to this many frames per second; default: every frame of the input. */
  fps?: number;
  /** Extra input arguments before `-i` (e.g. `-f v4l2`, `-rtsp_transport tcp`). */
  inputArgs?: string[];
  /** Real-time pacing of files (`-re`), as a camera would deliver them. */
  realtime?: boolean;
}

/** Arguments that make ffmpeg write the input's frames to stdout as a stream of JPEGs. */
export function ffmpegMjpegArgs(input: string, opts: FfmpegFramesOptions = {}): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  if (opts.realtime) args.push('-re');
  args.push(...(opts.inputArgs ?? []), '-i', input, '-an');
  if (opts.fps) args.push('-vf', `fps=${opts.fps}`);
  args.push('-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1');
  return args;
}

/**
 * Decodes a video file, device or stream with ffmpeg (no shell) and yields its frames as JPEGs.
 * Fails with ffmpeg's own message when it exits with an error.
 */
export async function* ffmpegJpegFrames(input: string, opts: FfmpegFramesOptions = {}): AsyncGenerator<Buffer> {
  const child = spawn(ffmpegPath(), ffmpegMjpegArgs(input, opts), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new ArgusError(`cannot start ${ffmpegPath()} (${e.message}); install ffmpeg or set ARGUS_FFMPEG`, { cause: e })));
    child.on('close', (code) => resolve(code));
  });
  // Observed here so a failed spawn is not an unhandled rejection before the frames loop ends.
  exited.catch(() => undefined);
  const frames = child.stdout.pipe(new MjpegSplitter());
  try {
    for await (const frame of frames) yield frame as Buffer;
    const code = await exited;
    if (code !== 0) throw new ArgusError(`${input}: ffmpeg exited with code ${code}: ${stderr.trim() || 'no message'}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}
