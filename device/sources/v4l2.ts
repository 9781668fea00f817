import { existsSync } from 'node:fs';
import { DataError } from '../../models/errors.js';
import { ffmpegMjpegArgs, ffmpegPath } from './ffmpeg.js';
import type { SourceOptions } from './options.js';
import { ProcessSource } from './process-source.js';
import type { FrameSource, SourcePlugin } from './source.js';

/** ffmpeg input arguments that ask a V4L2 camera for the configured size and rate. */
export function v4l2InputArgs(opts: Pick<SourceOptions, 'width' | 'height' | 'fps' | 'extraArgs'>): string[] {
  return ['-f', 'v4l2', '-framerate', String(opts.fps), '-video_size', `${opts.width}x${opts.height}`, ...opts.extraArgs];
}

function create(device: string, opts: SourceOptions): FrameSource {
  if (!device) throw new DataError('v4l2:', "no device named: write the source as 'v4l2:/dev/videoN'");
  if (!existsSync(device)) throw new DataError(device, 'no such video device (camera source v4l2:/dev/videoN); is the camera plugged in?');
  const args = ffmpegMjpegArgs(device, { fps: opts.fps, inputArgs: v4l2InputArgs(opts) });
  return new ProcessSource(`v4l2:${device} ${opts.width}x${opts.height}@${opts.fps}`, { command: ffmpegPath(), args }, opts);
}

/** `v4l2:/dev/videoN`: a USB or other V4L2 camera through ffmpeg. */
export const v4l2Source: SourcePlugin = { kind: 'v4l2', usage: 'v4l2:/dev/videoN', create };
