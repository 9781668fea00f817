import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { classColor } from '../../device/detect/annotate.js';
import type { Sample } from './augment.js';
import { copyRect, filledImage } from './rgb-image.js';

/**
 * A PNG grid of samples with their boxes and class names drawn, to see what training will see.
 * device/detect/annotate's detectionsSvg prints a score on every box; ground truth has none, so
 * the boxes are drawn here with the same class colours.
 */

const GAP = 4;
const BACKGROUND = 40;

export async function writePreviewPng(file: string, samples: readonly Sample[], names: readonly string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, await previewPng(samples, names));
}

export async function previewPng(samples: readonly Sample[], names: readonly string[]): Promise<Buffer> {
  if (samples.length === 0) throw new RangeError('no samples to preview');
  const { width: w, height: h } = samples[0]!.image;
  const cols = Math.ceil(Math.sqrt(samples.length));
  const rows = Math.ceil(samples.length / cols);
  const grid = filledImage(cols * (w + GAP) + GAP, rows * (h + GAP) + GAP, BACKGROUND);
  const svg: string[] = [];
  samples.forEach((s, i) => {
    const left = GAP + (i % cols) * (w + GAP);
    const top = GAP + Math.floor(i / cols) * (h + GAP);
    copyRect(s.image, 0, 0, w, h, grid, left, top);
    svg.push(boxesSvg(s, names, left, top));
  });
  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${grid.width}" height="${grid.height}">${svg.join('')}</svg>`;
  return sharp(grid.data, { raw: { width: grid.width, height: grid.height, channels: 3 } })
    .composite([{ input: Buffer.from(overlay), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

function boxesSvg(s: Sample, names: readonly string[], left: number, top: number): string {
  const font = Math.max(10, Math.round(Math.min(s.image.width, s.image.height) / 36));
  return s.boxes
    .map(({ classId, box }) => {
      const [x1, y1, x2, y2] = [box[0] + left, box[1] + top, box[2] + left, box[3] + top];
      const color = classColor(classId);
      const text = escapeXml(names[classId] ?? String(classId));
      const tw = Math.round(text.length * font * 0.6) + 4;
      const ty = y1 - font - 2 >= top ? y1 - font - 2 : y1;
      return (
        `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(x2 - x1).toFixed(1)}" height="${(y2 - y1).toFixed(1)}" fill="none" stroke="${color}" stroke-width="2"/>` +
        `<rect x="${x1.toFixed(1)}" y="${ty.toFixed(1)}" width="${tw}" height="${font + 2}" fill="${color}"/>` +
        `<text x="${(x1 + 2).toFixed(1)}" y="${(ty + font - 1).toFixed(1)}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="#fff">${text}</text>`
      );
    })
    .join('');
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
