import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { PrCurve } from './coco-map.js';

/**
 * Precision-recall curves at IoU 0.5 as a PNG: one thin line per class, a thick line for the mean
 * over classes (its area is mAP@0.5), and a legend of the classes with the most ground truth.
 * Drawn as SVG and rasterised by sharp, so no canvas or plotting package is needed.
 */

export interface PrPlotInput {
  map50: number;
  map50_95: number;
  pr: readonly PrCurve[];
  /** Names and ground-truth counts by class, for the legend. */
  per_class: readonly { class_id: number; label: string; gt: number }[];
}

export interface PrPlotOptions {
  width?: number;
  height?: number;
  /** Classes named in the legend, most ground-truth boxes first. */
  legendClasses?: number;
}

const PALETTE = ['#e6194b', '#3cb44b', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000', '#000075'];
const MEAN_COLOUR = '#1f4fbf';
const OTHER_COLOUR = '#b8b8b8';
const MARGIN = { left: 64, right: 230, top: 64, bottom: 56 };
const MAX_LABEL = 22;

export async function writePrCurvePng(file: string, result: PrPlotInput, title: string, opts: PrPlotOptions = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await sharp(Buffer.from(prCurveSvg(result, title, opts))).png().toFile(file);
}

export function prCurveSvg(result: PrPlotInput, title: string, opts: PrPlotOptions = {}): string {
  const { width = 900, height = 640, legendClasses = 8 } = opts;
  if (result.pr.length === 0) throw new RangeError('no precision-recall curves to plot: no class has ground truth');
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  if (pw < 50 || ph < 50) throw new RangeError(`plot size ${width}x${height} leaves no room for the axes`);

  const x = (r: number) => MARGIN.left + r * pw;
  const y = (p: number) => MARGIN.top + (1 - p) * ph;
  const line = (c: { recall: readonly number[]; precision: readonly number[] }) =>
    c.recall.map((r, i) => `${x(r).toFixed(1)},${y(c.precision[i]).toFixed(1)}`).join(' ');

  const byClass = new Map(result.per_class.map((c) => [c.class_id, c]));
  const legend = [...result.pr]
    .sort((a, b) => (byClass.get(b.classId)?.gt ?? 0) - (byClass.get(a.classId)?.gt ?? 0) || a.classId - b.classId)
    .slice(0, legendClasses);
  const colour = new Map(legend.map((c, i) => [c.classId, PALETTE[i % PALETTE.length]]));
  const mean = {
    recall: result.pr[0].recall,
    precision: result.pr[0].recall.map((_, i) => result.pr.reduce((s, c) => s + c.precision[i], 0) / result.pr.length),
  };

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${MARGIN.left}" y="46">precision-recall at IoU 0.5: mAP@0.5 ${result.map50.toFixed(3)}, mAP@0.5:0.95 ${result.map50_95.toFixed(3)}</text>`,
  ];

  // Grid, ticks and tick labels every 0.2 on both axes.
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    out.push(
      `<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="#eeeeee"/>`,
      `<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="#eeeeee"/>`,
      `<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(0) + 5}" stroke="black"/>`,
      `<line x1="${x(0) - 5}" y1="${y(v)}" x2="${x(0)}" y2="${y(v)}" stroke="black"/>`,
      `<text x="${x(v)}" y="${y(0) + 20}" text-anchor="middle">${v.toFixed(1)}</text>`,
      `<text x="${x(0) - 9}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`,
    );
  }
  out.push(
    `<rect x="${x(0)}" y="${y(1)}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`,
    `<text x="${x(0.5)}" y="${height - 14}" text-anchor="middle">recall</text>`,
    `<text transform="translate(18 ${y(0.5)}) rotate(-90)" text-anchor="middle">precision</text>`,
  );

  // Unnamed classes first, so the coloured and mean lines are drawn over them.
  for (const c of result.pr) if (!colour.has(c.classId)) out.push(polyline(line(c), OTHER_COLOUR, 1));
  for (const c of legend) out.push(polyline(line(c), colour.get(c.classId)!, 1.5));
  out.push(polyline(line(mean), MEAN_COLOUR, 4));

  const lx = width - MARGIN.right + 20;
  const entry = (i: number, stroke: string, strokeWidth: number, text: string) => {
    const ly = MARGIN.top + 10 + i * 20;
    return `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${stroke}" stroke-width="${strokeWidth}"/>` +
      `<text x="${lx + 32}" y="${ly + 4}">${escapeXml(text)}</text>`;
  };
  out.push(entry(0, MEAN_COLOUR, 4, `all ${result.pr.length} classes ${result.map50.toFixed(3)}`));
  legend.forEach((c, i) => {
    const label = byClass.get(c.classId)?.label ?? `class ${c.classId}`;
    const short = label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
    out.push(entry(i + 1, colour.get(c.classId)!, 1.5, `${short} ${apOf(c).toFixed(3)}`));
  });
  if (result.pr.length > legend.length) out.push(entry(legend.length + 1, OTHER_COLOUR, 1, `${result.pr.length - legend.length} more classes`));

  out.push('</svg>');
  return out.join('\n');
}

/** Text for SVG: XML's five special characters escaped, characters XML 1.0 forbids dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function polyline(points: string, stroke: string, strokeWidth: number): string {
  return `<polyline points="${points}" fill="none" stroke="${stroke}" stroke-width="${strokeWidth}" stroke-linejoin="round"/>`;
}

/** AP@0.5 of one curve: the mean of its 101 sampled precisions, as in coco-map. */
function apOf(c: PrCurve): number {
  return c.precision.reduce((s, p) => s + p, 0) / c.precision.length;
}
