/**
 * `npm run bench:train [-- --json] [-- --model file.onnx]`: training throughput (forward +
 * backward, images/s) of yolox_nano at 320 and 416 on TF.js' WebAssembly backend (batch 8) and
 * its CPU backend (batch 1, one step: it is two orders of magnitude slower), side by side.
 * The whole run stays under five minutes: a CPU measurement that would not fit is projected from
 * the one before it by pixel count, and marked as estimated.
 */
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { log } from '../../device/log.js';
import { sharedDir } from '../../models/paths.js';
import { selectBackend } from '../backends/index.js';
import { OnnxExecutor } from '../executor/index.js';
import { readModel, type ModelProto } from '../onnx/index.js';
import { timeSteps, type Timing } from './measure.js';

const SIZES = [416, 320];
const WASM = { batch: 8, steps: 3, warmup: 1 };
const CPU = { batch: 1, steps: 1 };
/**
 * Seconds of benchmark after which no CPU step starts that is projected to end later; the margin
 * to five minutes absorbs a slower first CPU step on a busy machine.
 */
const BUDGET_S = 240;

interface SizeResult {
  size: number;
  wasm: Timing;
  cpu: Timing & { estimated: boolean };
  ratio: number;
}

function parseArgs(argv: string[]): { json: boolean; model: string } {
  const json = argv.includes('--json');
  const at = argv.indexOf('--model');
  return { json, model: at >= 0 && argv[at + 1] ? argv[at + 1]! : join(sharedDir(), 'models', 'yolox_nano.onnx') };
}

async function onBackend<T>(backend: 'wasm' | 'cpu', model: ModelProto, fn: (ex: OnnxExecutor) => T): Promise<T> {
  await selectBackend({ backend });
  const ex = new OnnxExecutor(model);
  try {
    return fn(ex);
  } finally {
    ex.dispose();
  }
}

async function run(model: ModelProto, started: number): Promise<SizeResult[]> {
  const wasm = await onBackend('wasm', model, (ex) =>
    SIZES.map((size) => {
      log.info({ backend: 'wasm', size, batch: WASM.batch }, 'timing training steps');
      return timeSteps(ex, size, WASM.batch, WASM.steps, WASM.warmup);
    }),
  );
  const cpu = await onBackend('cpu', model, (ex) => {
    const out: (Timing & { estimated: boolean })[] = [];
    for (const size of [...SIZES].sort((a, b) => a - b)) {
      const prev = out[out.length - 1];
      const projected = prev ? prev.secondsPerStep * (size / prev.size) ** 2 : 0;
      if (prev && (performance.now() - started) / 1000 + projected > BUDGET_S) {
        log.warn({ size, projected_s: Math.round(projected) }, 'CPU step would overrun the time budget; projecting it');
        out.push({ size, batch: CPU.batch, steps: 0, secondsPerStep: projected, imagesPerSecond: CPU.batch / projected, cpuShare: prev.cpuShare, estimated: true });
        continue;
      }
      log.info({ backend: 'cpu', size, batch: CPU.batch }, 'timing one training step');
      out.push({ ...timeSteps(ex, size, CPU.batch, CPU.steps, 0), estimated: false });
    }
    return out;
  });
  return wasm.map((w) => {
    const c = cpu.find((t) => t.size === w.size)!;
    return { size: w.size, wasm: w, cpu: c, ratio: w.imagesPerSecond / c.imagesPerSecond };
  });
}

function table(results: readonly SizeResult[]): string {
  const rows = [['size', 'backend', 'batch', 'steps', 's/step', 'images/s', 'core share', 'wasm/cpu']];
  const share = (t: Timing) => `${Math.round(t.cpuShare * 100)}%`;
  for (const r of [...results].sort((a, b) => a.size - b.size)) {
    rows.push([String(r.size), 'wasm', String(r.wasm.batch), String(r.wasm.steps), r.wasm.secondsPerStep.toFixed(2), r.wasm.imagesPerSecond.toFixed(3), share(r.wasm), '']);
    rows.push([String(r.size), 'cpu', String(r.cpu.batch), r.cpu.estimated ? 'est.' : String(r.cpu.steps), r.cpu.secondsPerStep.toFixed(1), r.cpu.imagesPerSecond.toFixed(4), share(r.cpu), `${r.ratio.toFixed(0)}x`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
  if (results.some((r) => r.wasm.cpuShare < 0.8 || r.cpu.cpuShare < 0.8)) lines.push('core share < 80%: other processes competed for the CPU, wall-clock figures are inflated');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const results = await run(await readModel(args.model), started);
  // The headline figures are at 416, the size the shared model was exported for.
  const headline = results.find((r) => r.size === 416) ?? results[0]!;
  const summary = {
    model: args.model,
    wasm_images_per_s: headline.wasm.imagesPerSecond,
    cpu_images_per_s: headline.cpu.imagesPerSecond,
    cpu_estimated: headline.cpu.estimated,
    ratio: headline.ratio,
    size: headline.size,
    sizes: results.map((r) => ({ size: r.size, wasm: r.wasm, cpu: r.cpu, ratio: r.ratio })),
    tfjs: tf.version.tfjs,
    cores: cpus().length,
    seconds: (performance.now() - started) / 1000,
  };
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${basename(args.model, '.onnx')} training throughput (forward + backward), TF.js ${tf.version.tfjs}, ${cpus().length} cores\n${table(results)}\n`);
}

main().catch((e: unknown) => {
  log.error({ err: e }, 'bench:train failed');
  process.exitCode = 1;
});
