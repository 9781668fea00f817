import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DataError } from '../../models/errors.js';
import { ffmpegJpegFrames } from '../sources/ffmpeg.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif']);
export const VIDEO_EXTENSIONS = new Set(['.mp4', '.mkv', '.avi', '.mov', '.webm', '.m4v', '.mjpeg', '.mjpg', '.ts']);

export interface InputFrame {
  /** The file (or stream) the frame came from. */
  source: string;
  /** Frame number within a video; absent for still images. */
  frame?: number;
  image: Buffer | string;
}

/** Image files of a folder, sorted; sub-folders are not searched. */
export function imagesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Every frame of the given images, folders of images, videos and stream URLs, in order.
 * A path that does not exist or has an unknown type is an error naming it, before any work.
 */
export async function* expandInputs(inputs: readonly string[], opts: { videoFps?: number } = {}): AsyncGenerator<InputFrame> {
  const plan = inputs.map((input) => {
    if (/^(rtsp|rtmp|http|https):\/\//.test(input)) return { input, kind: 'video' as const };
    if (!existsSync(input)) throw new DataError(input, 'no such file or folder');
    if (statSync(input).isDirectory()) return { input, kind: 'folder' as const };
    const ext = extname(input).toLowerCase();
    if (IMAGE_EXTENSIONS.has(ext)) return { input, kind: 'image' as const };
    if (VIDEO_EXTENSIONS.has(ext)) return { input, kind: 'video' as const };
    throw new DataError(input, `unknown file type '${ext}'; images: ${[...IMAGE_EXTENSIONS].join(' ')}; videos: ${[...VIDEO_EXTENSIONS].join(' ')}`);
  });
  for (const { input, kind } of plan) {
    if (kind === 'image') yield { source: input, image: input };
    else if (kind === 'folder') for (const f of imagesIn(input)) yield { source: f, image: f };
    else {
      let frame = 0;
      const fps = opts.videoFps === undefined ? {} : { fps: opts.videoFps };
      for await (const jpeg of ffmpegJpegFrames(input, fps)) yield { source: input, frame: frame++, image: jpeg };
    }
  }
}
