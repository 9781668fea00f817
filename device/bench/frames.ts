import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { ArgusError } from '../../models/errors.js';
import { sharedDir } from '../../models/paths.js';
import { expandInputs, VIDEO_EXTENSIONS } from '../detect/inputs.js';
import { log } from '../log.js';
import { ffmpegPath } from '../sources/ffmpeg.js';
import { MjpegSplitter } from '../sources/mjpeg-splitter.js';
import { createSource, demoFolder, jpegProblem, parseSourceSpec, type Frame } from '../sources/index.js';

/** The frames a benchmark feeds, decoded once into JPEG buffers in memory. */
export interface BenchFrames {
  /** What they came from, e.g. `video:…/vtest_480x360.mp4`. */
  source: string;
  frames: Buffer[];
  /** Set when the default video was not found and the demo photos were used instead. */
  note?: string;
}

/** The street video the bench uses by default, in the shared data folder. */
function defaultBenchVideo(): string {
  return join(sharedDir(), 'data', 'videos', 'vtest_480x360.mp4');
}

/** Live sources are captured for at most this long. */
const CAPTURE_TIMEOUT_MS = 30_000;

async function asJpeg(image: Buffer | string): Promise<Buffer> {
  const buf = typeof image === 'string' ? await readFile(image) : image;
  return jpegProblem(buf) === null ? buf : sharp(buf).jpeg({ quality: 90 }).toBuffer();
}

/** Up to `max` frames of images and folders of images. */
async function fromImages(input: string, max: number): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  for await (const f of expandInputs([input])) {
    frames.push(await asJpeg(f.image));
    if (frames.length >= max) break;
  }
  return frames;
}

/**
 * The first `max` frames of a video file or stream as JPEGs, decoded by ffmpeg as fast as it can.
 * ffmpeg stops by itself after `max` frames (`-frames:v`), so no process is left blocked on a
 * pipe nobody reads.
 */
async function fromVideo(input: string, max: number): Promise<Buffer[]> {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', input, '-an', '-frames:v', String(max), '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1'];
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const frames: Buffer[] = [];
  child.stdout.pipe(new MjpegSplitter()).on('data', (jpeg: Buffer) => frames.push(jpeg));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new ArgusError(`cannot start ${ffmpegPath()} (${e.message}); install ffmpeg or set ARGUS_FFMPEG`, { cause: e })));
    child.on('close', resolve);
  });
  if (code !== 0) throw new ArgusError(`${input}: ffmpeg exited with code ${code}: ${stderr.trim() || 'no message'}`);
  return frames.slice(0, max);
}

async function fromPath(input: string, max: number): Promise<Buffer[]> {
  return statSync(input).isFile() && VIDEO_EXTENSIONS.has(extname(input).toLowerCase()) ? fromVideo(input, max) : fromImages(input, max);
}

/** Up to `max` frames of a live camera, as it delivers them. */
async function capture(spec: string, max: number): Promise<Buffer[]> {
  const source = createSource(spec, { loop: false });
  const frames: Buffer[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CAPTURE_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    source.on('frame', (f: Frame) => {
      if (frames.length < max) frames.push(f.jpeg);
      if (frames.length >= max) done();
    });
    source.once('end', done);
    source.start();
  });
  await source.stop();
  return frames;
}

/**
 * Reads the benchmark frames once: by default the shared vtest street video (the demo photos when
 * it is not there, as on a Pi), else a source spec (`video:<file>`, `images:<folder>`, `demo`, a
 * camera such as `libcamera` or `v4l2:/dev/video0`, `rtsp://…`) or a plain file or folder path.
 */
export async function loadBenchFrames(spec: string | undefined, max: number): Promise<BenchFrames> {
  let note: string | undefined;
  if (spec === undefined) {
    const video = defaultBenchVideo();
    if (existsSync(video)) spec = `video:${video}`;
    else {
      note = `${video} not found (set ARGUS_SHARED, or --source): using the demo photos`;
      log.warn(note);
      spec = 'demo';
    }
  }
  let frames: Buffer[];
  const { kind, arg } = parseSourceSpec(spec);
  if (existsSync(spec)) frames = await fromPath(spec, max);
  else if (kind === 'video') frames = await fromVideo(arg, max);
  else if (kind === 'images') frames = await fromImages(arg, max);
  else if (kind === 'demo') frames = await fromImages(demoFolder(), max);
  else if (/^(rtsps?|https?):\/\//.test(spec)) frames = await fromVideo(spec, max);
  else frames = await capture(spec, max);
  if (!frames.length) throw new ArgusError(`bench source '${spec}' gave no frames`);
  return note === undefined ? { source: spec, frames } : { source: spec, frames, note };
}
