import { availableParallelism, cpus, hostname, loadavg } from 'node:os';
import sharp from 'sharp';
import { ArgusError } from '../../models/errors.js';
import { PRECISIONS, type Precision } from '../../models/manifest.js';
import { verifiedOnnxPath, type ModelStore, type StoredModel } from '../../models/store.js';
import { Detector } from '../detect/detector.js';
import { onnxruntimeVersion } from '../inference/onnx-session.js';
import { deviceInferenceThreads } from '../inference/threads.js';
import { log } from '../log.js';
import { readCpuTemperature, readThrottling } from '../stats/index.js';
import { loadBenchFrames } from './frames.js';
import { modelCost } from './model-cost.js';
import { emptySamples, measureInference, measurePipeline, pipelineMeasure } from './measure.js';
import { BENCH_STAGES, type BenchReport, type BenchRun, type BenchStage, type MachineReading } from './report.js';
import { summarize, type Summary } from './summary.js';

/** Options of `runBench`; defaults in BENCH_DEFAULTS. */
export interface BenchOptions {
  /** Model name in the store, or a model folder. */
  model: string;
  /** Default: fp32, and int8 when the model has it. */
  precisions?: readonly Precision[];
  /** Inference thread counts. Default: 1, the device's default (deviceInferenceThreads) and one per core. */
  threads?: readonly number[];
  /** Measured frames (and session runs for inference alone) per precision and thread count. */
  runs?: number;
  /** Whole frames detected first and not measured, per precision and thread count. */
  warmup?: number;
  /** A source spec or path (see loadBenchFrames); default the shared vtest video. */
  source?: string;
  deviceId: string;
  /** Run onnxruntime in a worker thread, as the device does. Default true; false shows what the worker saves. */
  worker?: boolean;
  /** Hands each frame's detections payload to MQTT (the publish stage); without it the stage is serialization only. */
  publishFrame?: (payload: string) => void;
}

export const BENCH_DEFAULTS = { runs: 100, warmup: 10, worker: true };

/** Distinct frames kept in memory at most; longer runs loop over them. */
const MAX_FRAMES = 300;

const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function machineNow(): Promise<MachineReading> {
  const [cpu_temp_c, throttling] = await Promise.all([readCpuTemperature(), readThrottling()]);
  return { cpu_temp_c, throttling, load_avg_1m: round2(loadavg()[0]!) };
}

/** Measured frames per round: each round takes the three measurements of a run in turn. */
const ROUND_FRAMES = 10;

/**
 * One precision at one thread count. The three measurements (inference alone, the pipeline one
 * frame at a time, the overlapped pipeline) take turns in rounds of ROUND_FRAMES, in a rotating
 * order, so a slow drift (a Pi heating up and throttling, a neighbour's load) weighs on all of
 * them alike and the ratios between them stay fair.
 */
async function benchOne(model: StoredModel, precision: Precision, threads: number, frames: readonly Buffer[], o: RunSettings): Promise<Omit<BenchRun, 'gops'>> {
  const before = await machineNow();
  const detector = await Detector.fromModel(model, { precision, threads, worker: o.worker });
  const what = `${precision} × ${threads} thread${threads > 1 ? 's' : ''}`;
  try {
    for (let i = 0; i < o.warmup; i++) await detector.detect(frames[i % frames.length]!);
    log.info(`${what}: ${o.runs} frames each for inference alone, the pipeline one frame at a time, the overlapped pipeline`);
    const alone: number[] = [];
    const sequential = emptySamples();
    const overlapped = emptySamples();
    let offset = o.warmup;
    for (let round = 0, done = 0; done < o.runs; round++) {
      const n = Math.min(ROUND_FRAMES, o.runs - done);
      const pass = { frames, offset, count: n, publishFrame: o.publishFrame };
      const steps = [
        () => measureInference(detector, frames[offset % frames.length]!, n, alone),
        () => measurePipeline(detector, { ...pass, overlap: false }, sequential),
        () => measurePipeline(detector, { ...pass, overlap: true }, overlapped),
      ];
      for (let k = 0; k < steps.length; k++) await steps[(k + round) % steps.length]!();
      offset += n + 1;
      done += n;
    }
    const inference = summarize(alone)!;
    const pipeline = pipelineMeasure(overlapped);
    const seq = pipelineMeasure(sequential);
    // Stages come from the sequential pass: overlapped, decode's wall time includes waiting for inference.
    const stages = Object.fromEntries(BENCH_STAGES.map((s) => [s, summarize(sequential.stages[s])!])) as Record<BenchStage, Summary>;
    return {
      precision,
      threads,
      stages,
      inference_alone: inference,
      pipeline,
      overhead_ratio: round3(pipeline.frame_ms / inference.p50),
      overhead_ratio_p50: round3(pipeline.p50 / inference.p50),
      sequential: { fps: seq.fps, frame_ms: seq.frame_ms, overhead_ratio: round3(seq.frame_ms / inference.p50) },
      detections_per_frame: round2(overlapped.detections / Math.max(1, pipeline.frames)),
      peak_rss_mb: Math.max(sequential.peakRssMb, overlapped.peakRssMb),
      machine: { before, after: await machineNow() },
    };
  } finally {
    await detector.close();
  }
}

/** What every run of one bench shares. */
type RunSettings = Required<Pick<BenchOptions, 'runs' | 'warmup' | 'worker'>> & Pick<BenchOptions, 'publishFrame'>;

/** The precisions to run: as asked (default both), less int8 when the model has none, said in a note. */
function choosePrecisions(model: StoredModel, asked: readonly Precision[] | undefined, notes: string[]): Precision[] {
  const m = model.manifest;
  const wanted = [...new Set(asked ?? PRECISIONS)];
  if (m.files.int8 || !wanted.includes('int8')) return wanted;
  const left = wanted.filter((p) => p !== 'int8');
  const why = `${model.manifestFile}: model '${m.name}' has no int8 file (make one with \`argus quantize\`)`;
  if (!left.length) throw new ArgusError(`${why}, so it cannot be benchmarked in int8`);
  notes.push(`${why}: int8 skipped, ${left.join(' and ')} only`);
  return left;
}

function defaultThreads(): number[] {
  return [...new Set([1, deviceInferenceThreads(), availableParallelism()])];
}

/**
 * `argus bench`: per precision and thread count, inference alone on a prepared frame, then the
 * real detection pipeline over in-memory frames fed as fast as it takes them (per-stage latency,
 * frame rate, overhead over inference alone), with temperature, throttling and memory; and the
 * model's parameters, MACs and achieved GOPS.
 */
export async function runBench(store: ModelStore, opts: BenchOptions): Promise<BenchReport> {
  const o = { ...BENCH_DEFAULTS, ...opts };
  if (!Number.isInteger(o.runs) || o.runs < 2) throw new ArgusError(`bench runs must be an integer of at least 2, got ${o.runs}`);
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new ArgusError(`bench warm-up must be a non-negative integer, got ${o.warmup}`);
  const model = store.open(o.model);
  const m = model.manifest;
  const notes: string[] = [];
  const precisions = choosePrecisions(model, o.precisions, notes);
  const threads = [...new Set(o.threads ?? defaultThreads())];
  if (!threads.length || threads.some((t) => !Number.isInteger(t) || t < 1)) throw new ArgusError(`bench threads must be positive integers, got ${threads.join(',')}`);

  // Each round runs one unmeasured frame first: runs + rounds + warm-up frames in all.
  const loaded = await loadBenchFrames(o.source, Math.min(MAX_FRAMES, o.warmup + o.runs + Math.ceil(o.runs / ROUND_FRAMES)));
  if (loaded.note) notes.push(loaded.note);
  const size = await sharp(loaded.frames[0]!).metadata();
  log.info(`bench: model '${m.name}', ${loaded.frames.length} frames of ${loaded.source} (${size.width}x${size.height}), precisions ${precisions.join(',')}, threads ${threads.join(',')}`);

  const runs: Omit<BenchRun, 'gops'>[] = [];
  for (const precision of precisions) {
    for (const t of threads) runs.push(await benchOne(model, precision, t, loaded.frames, o));
  }
  const peak_rss_mb = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

  // After the runs, so the probe's intermediate tensors stay out of their memory figures.
  const cost = await modelCost(await verifiedOnnxPath(model, 'fp32'), { name: m.input.name, dims: [1, 3, m.input.height, m.input.width] });
  const full: BenchRun[] = runs.map((r) => ({ ...r, gops: round2((2 * cost.macs) / (r.inference_alone.p50 / 1000) / 1e9) }));

  const int8_vs_fp32: BenchReport['int8_vs_fp32'] = [];
  for (const t of threads) {
    const f = full.find((r) => r.precision === 'fp32' && r.threads === t);
    const q = full.find((r) => r.precision === 'int8' && r.threads === t);
    if (f && q) int8_vs_fp32.push({ threads: t, inference: round3(q.inference_alone.p50 / f.inference_alone.p50), pipeline: round3(q.pipeline.frame_ms / f.pipeline.frame_ms) });
  }
  const cpuList = cpus();
  return {
    kind: 'argus-bench',
    version: 1,
    ts: new Date().toISOString(),
    device_id: o.deviceId,
    host: {
      hostname: hostname(),
      platform: process.platform,
      arch: process.arch,
      cpus: cpuList.length,
      cpu_model: cpuList[0]?.model.trim() ?? 'unknown',
      node: process.version,
      onnxruntime: onnxruntimeVersion(),
    },
    model: { name: m.name, family: m.family, input: { width: m.input.width, height: m.input.height }, precisions },
    cost,
    source: { spec: loaded.source, frames: loaded.frames.length, width: size.width ?? 0, height: size.height ?? 0, ...(loaded.note ? { note: loaded.note } : {}) },
    settings: { runs: o.runs, warmup: o.warmup, publish: o.publishFrame ? 'mqtt' : 'serialize', worker: o.worker, device_threads: deviceInferenceThreads() },
    runs: full,
    int8_vs_fp32,
    peak_rss_mb,
    notes,
  };
}
