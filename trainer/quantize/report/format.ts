/** The quantization report as terminal tables. */
import type { QuantizeResult } from '../quantize-model.js';
import type { QuantizeReport } from './compare.js';

/** Classes listed under "lost most". */
const LOSERS_SHOWN = 10;
/** Op types listed per precision. */
const OP_TYPES_SHOWN = 12;

const pct = (v: number | undefined) => (v === undefined ? '-' : (100 * v).toFixed(1));
const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
/** Cells padded to their widths: text columns (`textColumns`) to the left, numbers to the right. */
const row = (cells: string[], widths: number[], textColumns: readonly number[] = [0]) =>
  cells.map((c, i) => (textColumns.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();

export function formatQuantization(q: QuantizeResult): string {
  const c = q.manifest.calibration as { images: number; skipped: number; method: string; tensors: number };
  const int8Ops = Object.entries(q.manifest.quantization!.int8_ops as Record<string, number>).map(([op, n]) => `${op} ${n}`);
  return [
    `wrote ${q.file}`,
    `calibrated ${c.tensors} tensors on ${c.images} images (${c.method})${c.skipped ? `, ${c.skipped} unreadable images skipped` : ''}`,
    `int8: ${int8Ops.join(', ')}`,
  ].join('\n');
}

export function formatReport(r: QuantizeReport): string {
  const w = [22, 10, 10, 10];
  const lines: string[] = [];
  const title = r.eval ? `${r.model}: fp32 vs int8 on ${r.eval.dataset} ${r.eval.split} (${r.eval.images} images, ${r.eval.boxes} boxes)` : `${r.model}: fp32 vs int8`;
  lines.push(title, row(['', 'fp32', 'int8', 'int8/fp32'], w));
  if (r.eval) {
    lines.push(row(['mAP@0.5:0.95', pct(r.fp32.map50_95), pct(r.int8.map50_95), (100 * (r.int8.map50_95! - r.fp32.map50_95!)).toFixed(1)], w));
    lines.push(row(['mAP@0.5', pct(r.fp32.map50), pct(r.int8.map50), (100 * (r.int8.map50! - r.fp32.map50!)).toFixed(1)], w));
  }
  const l = r.latency_ms;
  lines.push(row(['size (MB)', mb(r.fp32.bytes), mb(r.int8.bytes), `${r.size_ratio.toFixed(2)}x`], w));
  lines.push(row([`median ms, 1 thread`, l.fp32_1t.toFixed(2), l.int8_1t.toFixed(2), `${l.ratio_1t.toFixed(2)}x`], w));
  lines.push(row([`median ms, 2 threads`, l.fp32_2t.toFixed(2), l.int8_2t.toFixed(2), `${l.ratio_2t.toFixed(2)}x`], w));
  if (r.per_class?.length) {
    lines.push('', `classes that lost most AP@0.5:0.95 (of ${r.per_class.length}):`);
    const cw = [16, 6, 8, 8, 8];
    lines.push(row(['class', 'gt', 'fp32', 'int8', 'change'], cw));
    for (const c of r.per_class.slice(0, LOSERS_SHOWN)) {
      lines.push(row([c.label, String(c.gt), pct(c.fp32_ap50_95), pct(c.int8_ap50_95), (100 * c.change).toFixed(1)], cw));
    }
  }
  lines.push('', 'time per op type, ms per inference at 1 thread (onnxruntime profiler):');
  const fp32 = Object.entries(r.op_types_ms.fp32).slice(0, OP_TYPES_SHOWN);
  const int8 = Object.entries(r.op_types_ms.int8).slice(0, OP_TYPES_SHOWN);
  const ow = [20, 7, 4, 20, 7];
  lines.push(row(['fp32', 'ms', '', 'int8', 'ms'], ow, [0, 3]));
  for (let i = 0; i < Math.max(fp32.length, int8.length); i++) {
    const a = fp32[i];
    const b = int8[i];
    lines.push(row([a?.[0] ?? '', a ? a[1].toFixed(2) : '', '', b?.[0] ?? '', b ? b[1].toFixed(2) : ''], ow, [0, 3]));
  }
  const sum = (o: Record<string, number>) => Object.values(o).reduce((s, v) => s + v, 0);
  lines.push(row(['total', sum(r.op_types_ms.fp32).toFixed(2), '', 'total', sum(r.op_types_ms.int8).toFixed(2)], ow, [0, 3]));
  return lines.join('\n');
}
