import { BENCH_STAGES, type BenchReport, type BenchRun, type MachineReading } from './report.js';
import type { Summary } from './summary.js';

const COLUMNS = ['min', 'p50', 'p90', 'p99', 'mean'] as const;
const LABEL_WIDTH = 22;
const CELL = 9;

function row(label: string, s: Summary): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${COLUMNS.map((c) => s[c].toFixed(2).padStart(CELL)).join('')}`;
}

function temperature(t: MachineReading): string {
  return t.cpu_temp_c === null ? 'n/a' : `${t.cpu_temp_c.toFixed(1)} °C`;
}

function throttled(r: BenchRun): string {
  const after = r.machine.after.throttling;
  if (!after) return 'throttling n/a';
  const now = Object.entries(after.now).filter(([, v]) => v).map(([k]) => k);
  return now.length ? `THROTTLED (${now.join(', ')}, ${after.raw})` : `not throttled (${after.raw})`;
}

function formatRun(r: BenchRun, deviceThreads: number): string[] {
  const head = `${r.precision} × ${r.threads} thread${r.threads > 1 ? 's' : ''}`;
  const mark = r.threads === deviceThreads ? '   · the device default' : '';
  const lines = [`${head.padEnd(LABEL_WIDTH + 2)}${COLUMNS.map((c) => c.padStart(CELL)).join('')}   ms${mark}`];
  for (const s of BENCH_STAGES) lines.push(row(s, r.stages[s]));
  lines.push(row('inference alone', r.inference_alone));
  lines.push(row('pipeline, per frame', r.pipeline));
  const seq = ` (one frame at a time: ×${r.sequential.overhead_ratio.toFixed(3)}, ${r.sequential.fps.toFixed(1)} fps)`;
  lines.push(`  ${r.pipeline.fps.toFixed(1)} fps · ${r.pipeline.frame_ms.toFixed(1)} ms/frame · overhead ×${r.overhead_ratio.toFixed(3)} over inference alone (median to median ×${r.overhead_ratio_p50.toFixed(3)})${seq}`);
  lines.push(`  model busy ${(r.pipeline.model_busy * 100).toFixed(0)}% of the pipeline's time · CPU ${r.pipeline.cpu_ms_per_frame.toFixed(1)} ms per frame (all threads)`);
  lines.push(
    `  ${r.gops.toFixed(1)} GOPS · ${r.detections_per_frame.toFixed(1)} detections/frame · peak RSS ${r.peak_rss_mb.toFixed(0)} MB · ` +
      `CPU ${temperature(r.machine.before)} → ${temperature(r.machine.after)} · ${throttled(r)} · load ${r.machine.before.load_avg_1m} → ${r.machine.after.load_avg_1m}`,
  );
  if (r.pipeline.dropped || r.pipeline.corrupt || r.pipeline.failed) {
    lines.push(`  frames dropped ${r.pipeline.dropped}, corrupt ${r.pipeline.corrupt}, failed ${r.pipeline.failed}`);
  }
  return lines;
}

/** The bench report as a terminal table: one block per precision and thread count, then comparisons. */
export function formatBenchTable(b: BenchReport): string {
  const out = [
    `argus bench · ${b.model.name} (${b.model.family}, ${b.model.input.width}x${b.model.input.height}) on ${b.host.hostname} ` +
      `(${b.host.cpus} × ${b.host.cpu_model}, ${b.host.arch}, onnxruntime ${b.host.onnxruntime})`,
    `frames: ${b.source.frames} of ${b.source.spec} (${b.source.width}x${b.source.height}), ${b.settings.runs} measured after ${b.settings.warmup} warm-up, ` +
      `publish stage: ${b.settings.publish === 'mqtt' ? 'serialize + MQTT' : 'serialize only (no --publish)'}` +
      `${b.settings.worker ? '' : ', onnxruntime on the main thread (--no-worker)'}`,
    'stages: one frame at a time, each its own cost; pipeline: the next frame decoded while the current one infers',
    `cost: ${(b.cost.params / 1e6).toFixed(2)} M parameters, ${(b.cost.macs / 1e9).toFixed(3)} GMAC per frame`,
    '',
  ];
  for (const r of b.runs) out.push(...formatRun(r, b.settings.device_threads), '');
  for (const c of b.int8_vs_fp32) {
    out.push(`int8 / fp32 at ${c.threads} thread${c.threads > 1 ? 's' : ''}: inference ×${c.inference.toFixed(2)}, pipeline ×${c.pipeline.toFixed(2)}`);
  }
  out.push(`peak RSS of the bench process: ${b.peak_rss_mb.toFixed(0)} MB`);
  for (const n of b.notes) out.push(`note: ${n}`);
  return out.join('\n');
}
