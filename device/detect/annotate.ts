import sharp from 'sharp';
import type { Detection } from '../../models/boxes.js';
import type { ImageInput } from './preprocess.js';

const PALETTE = ['#ff3838', '#2c99a8', '#ff9d97', '#48f90a', '#ff701f', '#00c2ff', '#ffb21d', '#344593', '#cfd231', '#6473ff', '#92cc17', '#ff95c8', '#3ddb86', '#520085', '#1a9334', '#cb38ff', '#00d4bb', '#8438ff', '#ff37c7', '#ffb21d'];

export function classColor(classId: number): string {
  return PALETTE[classId % PALETTE.length]!;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** An SVG the size of the frame with a box, label and score for each detection. */
export function detectionsSvg(width: number, height: number, detections: readonly Detection[]): string {
  const line = Math.max(2, Math.round(Math.min(width, height) / 250));
  const font = Math.max(11, Math.round(Math.min(width, height) / 40));
  const parts = detections.map((d) => {
    const [x1, y1, x2, y2] = d.box;
    const color = classColor(d.classId);
    const text = `${escapeXml(d.label)} ${d.score.toFixed(2)}`;
    const tw = Math.round(text.length * font * 0.6) + 6;
    const ty = y1 - font - 4 >= 0 ? y1 - font - 4 : y1;
    return (
      `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(x2 - x1).toFixed(1)}" height="${(y2 - y1).toFixed(1)}" fill="none" stroke="${color}" stroke-width="${line}"/>` +
      `<rect x="${x1.toFixed(1)}" y="${ty.toFixed(1)}" width="${tw}" height="${font + 4}" fill="${color}"/>` +
      `<text x="${(x1 + 3).toFixed(1)}" y="${(ty + font).toFixed(1)}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="#fff">${text}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** The frame as JPEG with its detections drawn on it. */
export async function annotateJpeg(image: ImageInput, detections: readonly Detection[], quality = 85): Promise<Buffer> {
  const img =
    typeof image === 'string' || Buffer.isBuffer(image)
      ? sharp(image)
      : sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  const { width, height } = await img.metadata();
  if (!width || !height) throw new Error('cannot read image size for annotation');
  const overlay = Buffer.from(detectionsSvg(width, height, detections));
  return img.composite([{ input: overlay, top: 0, left: 0 }]).jpeg({ quality }).toBuffer();
}
