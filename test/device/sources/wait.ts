import type { Frame, FrameSource } from '../../../device/sources/index.js';

/** Polls until `ready()` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, ready: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts the source, keeps every frame it emits, and stops it once `enough(frames)` holds. */
export async function collectFrames(source: FrameSource, enough: (frames: Frame[]) => boolean, timeoutMs = 10_000): Promise<Frame[]> {
  const frames: Frame[] = [];
  source.on('frame', (f) => frames.push(f));
  source.start();
  try {
    await waitFor(`frames from ${source.name}`, () => enough(frames), timeoutMs);
  } finally {
    await source.stop();
  }
  return frames;
}
