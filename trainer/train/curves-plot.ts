/**
 * Training curves as a PNG: the loss terms, validation mAP and the learning rate by epoch, three
 * panels side by side. SVG rasterised by sharp, like the PR curves of trainer/eval.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { escapeXml } from '../eval/pr-curve-plot.js';
import type { EpochRecord } from './history.js';

const COLOURS = ['#1f4fbf', '#e6194b', '#3cb44b', '#f58231', '#911eb4', '#42d4f4'];
const PANEL = { width: 400, height: 340 };
const MARGIN = { left: 62, right: 18, top: 70, bottom: 48 };

interface Series {
  name: string;
  points: [number, number][];
}

export async function writeCurvesPng(file: string, history: readonly EpochRecord[], title: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await sharp(Buffer.from(curvesSvg(history, title))).png().toFile(file);
}

export function curvesSvg(history: readonly EpochRecord[], title: string): string {
  if (history.length === 0) throw new RangeError('no epochs to plot');
  const terms = [...new Set(history.flatMap((r) => Object.keys(r.loss)))];
  const series = (key: (r: EpochRecord) => number | undefined, name: string): Series => ({
    name,
    points: history.flatMap((r) => {
      const v = key(r);
      return v === undefined || !Number.isFinite(v) ? [] : [[r.epoch, v] as [number, number]];
    }),
  });
  const panels = [
    { title: 'training loss', series: terms.map((t) => series((r) => r.loss[t], t)), fixed: undefined },
    { title: 'validation mAP', series: [series((r) => r.map50, 'mAP@0.5'), series((r) => r.map50_95, 'mAP@0.5:0.95')], fixed: [0, 1] as [number, number] },
    { title: 'learning rate', series: [series((r) => r.lr, 'lr (last step)')], fixed: undefined },
  ];
  const width = PANEL.width * panels.length;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL.height + 30}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${PANEL.height + 30}" fill="white"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  const lastEpoch = history[history.length - 1]!.epoch;
  panels.forEach((p, i) => out.push(panel(i * PANEL.width, 30, p.title, p.series, [history[0]!.epoch, Math.max(lastEpoch, history[0]!.epoch + 1)], p.fixed)));
  out.push('</svg>');
  return out.join('\n');
}

function panel(left: number, top: number, title: string, series: readonly Series[], xRange: [number, number], fixed?: [number, number]): string {
  const values = series.flatMap((s) => s.points.map(([, v]) => v));
  let [lo, hi] = fixed ?? [Math.min(0, ...values), Math.max(...values, 1e-9)];
  if (hi <= lo) hi = lo + 1;
  const pw = PANEL.width - MARGIN.left - MARGIN.right;
  const ph = PANEL.height - MARGIN.top - MARGIN.bottom;
  const x = (e: number) => left + MARGIN.left + ((e - xRange[0]) / (xRange[1] - xRange[0])) * pw;
  const y = (v: number) => top + MARGIN.top + (1 - (v - lo) / (hi - lo)) * ph;
  const out = [`<text x="${left + MARGIN.left}" y="${top + 20}" font-size="13" font-weight="bold">${escapeXml(title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    out.push(
      `<line x1="${x(xRange[0])}" y1="${y(v)}" x2="${x(xRange[1])}" y2="${y(v)}" stroke="#eeeeee"/>`,
      `<text x="${x(xRange[0]) - 6}" y="${y(v) + 4}" text-anchor="end">${tick(v)}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil((xRange[1] - xRange[0]) / 6));
  for (let e = xRange[0]; e <= xRange[1]; e += step) out.push(`<text x="${x(e)}" y="${y(lo) + 18}" text-anchor="middle">${e}</text>`);
  out.push(
    `<rect x="${x(xRange[0])}" y="${y(hi)}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`,
    `<text x="${x((xRange[0] + xRange[1]) / 2)}" y="${y(lo) + 36}" text-anchor="middle">epoch</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = s.points.map(([e, v]) => `${x(e).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    if (s.points.length > 1) out.push(`<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [e, v] of s.points) out.push(`<circle cx="${x(e).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${colour}"/>`);
    const last = s.points[s.points.length - 1];
    const lx = left + MARGIN.left + (i % 2) * 165;
    const ly = top + 38 + Math.floor(i / 2) * 16;
    out.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 16}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${lx + 20}" y="${ly}">${escapeXml(s.name)}${last ? ` ${tick(last[1])}` : ''}</text>`,
    );
  });
  return out.join('\n');
}

function tick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : a >= 0.01 ? v.toFixed(3) : v.toExponential(1);
}
