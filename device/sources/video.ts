import { existsSync, statSync } from 'node:fs';
import { DataError } from '../../models/errors.js';
import { ffmpegMjpegArgs, ffmpegPath } from './ffmpeg.js';
import type { SourceOptions } from './options.js';
import { ProcessSource } from './process-source.js';
import type { FrameSource, SourcePlugin } from './source.js';

function create(file: string, opts: SourceOptions): FrameSource {
  if (!file) throw new DataError('video:', "no file named: write the source as 'video:<file>'");
  if (!existsSync(file) || !statSync(file).isFile()) throw new DataError(file, 'no such video file (camera source video:<file>)');
  // -stream_loop goes before -i: ffmpeg reads the file again at its end, with no process restart.
  const loop = opts.loop ? ['-stream_loop', '-1'] : [];
  const args = ffmpegMjpegArgs(file, { fps: opts.fps, realtime: true, inputArgs: [...loop, ...opts.extraArgs] });
  return new ProcessSource(`video:${file}`, { command: ffmpegPath(), args, endsOnCleanExit: !opts.loop }, opts);
}

/** `video:<file>`: a video file decoded by ffmpeg, paced in real time, looped unless `loop` is false. */
export const videoSource: SourcePlugin = { kind: 'video', usage: 'video:<file>', create };
