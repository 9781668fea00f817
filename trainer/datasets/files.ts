import { readdirSync, statSync, type Stats } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';

/** File helpers the COCO and VOC loaders share. */

/** The image suffixes the YOLO loader accepts, so every format reads the same files. */
const IMAGE_EXTS = new Set(['.bmp', '.dng', '.jpeg', '.jpg', '.mpo', '.png', '.tif', '.tiff', '.webp', '.pfm', '.heic']);

/** Images whose headers are read at once: enough to hide file latency, few enough for open files. */
export const CONCURRENCY = 16;

export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export function isImageFile(path: string): boolean {
  return IMAGE_EXTS.has(extname(path).toLowerCase());
}

/** Files under a folder, recursively, sorted by path. */
export function walkFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => {
      const path = join(dir, d.name);
      if (d.isDirectory()) return walkFiles(path);
      return d.isFile() || d.isSymbolicLink() ? [path] : [];
    })
    .sort(byPath);
}

export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An image's stored size from its header, or why it cannot be read. */
export async function readImageSize(file: string): Promise<{ width: number; height: number } | { error: string }> {
  try {
    const { width, height } = await sharp(file).metadata();
    if (!width || !height) return { error: 'image has no width or height' };
    return { width, height };
  } catch (e) {
    return { error: `unreadable image (${(e as Error).message})` };
  }
}

/** Maps with at most `limit` calls in flight, keeping the input order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
