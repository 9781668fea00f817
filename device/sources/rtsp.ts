import { ArgusError } from '../../models/errors.js';
import { ffmpegMjpegArgs, ffmpegPath } from './ffmpeg.js';
import type { SourceOptions } from './options.js';
import { ProcessSource } from './process-source.js';
import type { FrameSource, SourcePlugin } from './source.js';

/** The URL with its password replaced, so logs and stats do not leak camera credentials. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function create(url: string, opts: SourceOptions): FrameSource {
  try {
    if (!new URL(url).hostname) throw new Error('no host');
  } catch (e) {
    throw new ArgusError(`camera source '${url}': not a valid stream URL (${(e as Error).message}); expected rtsp://host[:port]/path`);
  }
  // TCP, as UDP loses packets (and so whole frames) on busy Wi-Fi.
  const args = ffmpegMjpegArgs(url, { fps: opts.fps, inputArgs: ['-rtsp_transport', 'tcp', ...opts.extraArgs] });
  return new ProcessSource(redactUrl(url), { command: ffmpegPath(), args }, opts);
}

/** `rtsp://…`: a network camera's stream through ffmpeg over TCP. */
export const rtspSource: SourcePlugin = { kind: 'rtsp', usage: 'rtsp://host[:port]/path', create };

/** `rtsps://…`: the same over TLS. */
export const rtspsSource: SourcePlugin = { kind: 'rtsps', usage: 'rtsps://host[:port]/path', create };
