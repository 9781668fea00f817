import { readJpegHeader } from './jpeg-header.js';

/**
 * A JPEG's size from its frame header, read synchronously, or null when the buffer is not a JPEG
 * with a readable header (the caller then asks sharp). Synchronous on purpose: the decode of the
 * next frame must be on its libuv thread before onnxruntime blocks the main thread with the
 * current frame (see `Detector.prepare`), and sharp's own metadata call would take a turn of the
 * event loop first.
 */
export function jpegSize(buf: Buffer): { width: number; height: number } | null {
  const header = readJpegHeader(buf);
  return 'problem' in header ? null : { width: header.width, height: header.height };
}
