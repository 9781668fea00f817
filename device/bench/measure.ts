import { once } from 'node:events';
import { ArgusError } from '../../models/errors.js';
import type { Detector } from '../detect/detector.js';
import { DetectionPipeline } from '../pipeline/index.js';
import { detectionsPayload } from '../runtime/payload-builders.js';
import { OnDemandSource } from './on-demand-source.js';
import { BENCH_STAGES, type BenchStage, type PipelineMeasure } from './report.js';
import { summarize } from './summary.js';

/** Raw samples of pipeline passes, added up over the rounds of one run. */
export interface PipelineSamples {
  stages: Record<BenchStage, number[]>;
  /** ms between consecutive results. */
  intervals: number[];
  /** Process CPU time over the measured frames, ms. */
  cpuMs: number;
  detections: number;
  dropped: number;
  corrupt: number;
  failed: number;
  /** Highest resident set size seen after a pass, MB. */
  peakRssMb: number;
}

export function emptySamples(): PipelineSamples {
  const stages = Object.fromEntries(BENCH_STAGES.map((s) => [s, [] as number[]])) as Record<BenchStage, number[]>;
  return { stages, intervals: [], cpuMs: 0, detections: 0, dropped: 0, corrupt: 0, failed: 0, peakRssMb: 0 };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rssMb = () => Math.round((process.memoryUsage.rss() / 2 ** 20) * 10) / 10;

export interface PipelinePass {
  frames: readonly Buffer[];
  /** Index of the pass's first frame in `frames` (it loops). */
  offset: number;
  /** Frames measured; one more is run first, its result starting the clock. */
  count: number;
  /** The next frame prepared while the current one infers (the device's way), or one whole frame at a time. */
  overlap: boolean;
  /** Hands each frame's detections payload to MQTT (with `--publish`). */
  publishFrame?: ((payload: string) => void) | undefined;
}

/**
 * Runs the device's DetectionPipeline over `count` + 1 frames fed on demand (each frame offered as
 * the pipeline takes the last, so it runs as fast as it can and none is dropped), adding the stage
 * times and result intervals of the last `count` to `into`: every interval is at steady state.
 */
export async function measurePipeline(detector: Detector, pass: PipelinePass, into: PipelineSamples): Promise<void> {
  const source = new OnDemandSource('bench', pass.frames, pass.count + 1, pass.offset);
  const pipeline = new DetectionPipeline(source, detector, {
    overlap: pass.overlap,
    stats: { readTemperature: async () => null, readThrottling: async () => null },
  });
  pipeline.on('taken', () => source.next());
  let last: number | null = null;
  let cpuAtFirst: NodeJS.CpuUsage | null = null;
  pipeline.on('result', (r) => {
    // The publish stage: what the device does with each result before the next one.
    const t0 = performance.now();
    const payload = JSON.stringify(detectionsPayload(r));
    pass.publishFrame?.(payload);
    const t1 = performance.now();
    if (last === null) {
      cpuAtFirst = process.cpuUsage();
    } else {
      into.intervals.push(t1 - last);
      into.stages.decode.push(r.timing_ms.decode);
      into.stages.preprocess.push(r.timing_ms.pre);
      into.stages.infer.push(r.timing_ms.infer);
      into.stages.postprocess.push(r.timing_ms.post);
      into.stages.publish.push(t1 - t0);
      into.detections += r.detections.length;
    }
    last = t1;
  });
  const ended = once(pipeline, 'end');
  pipeline.start();
  await ended;
  if (cpuAtFirst) {
    const cpu = process.cpuUsage(cpuAtFirst);
    into.cpuMs += (cpu.user + cpu.system) / 1000;
  }
  await pipeline.stop();
  const counts = (await pipeline.stats()).frames;
  into.dropped += counts.dropped;
  into.corrupt += counts.corrupt;
  into.failed += counts.failed;
  into.peakRssMb = Math.max(into.peakRssMb, rssMb());
}

/** The pipeline's figures from its samples: time per frame is the mean interval, fps its inverse. */
export function pipelineMeasure(s: PipelineSamples): PipelineMeasure {
  const spread = summarize(s.intervals);
  if (!spread) throw new ArgusError(`the pipeline measured no frames (${s.corrupt} corrupt, ${s.failed} failed)`);
  const frames = s.intervals.length;
  const frameMs = mean(s.intervals);
  return {
    frames,
    fps: round2(1000 / frameMs),
    frame_ms: round2(frameMs),
    ...spread,
    cpu_ms_per_frame: round2(s.cpuMs / frames),
    model_busy: round3(mean(s.stages.infer) / frameMs),
    dropped: s.dropped,
    corrupt: s.corrupt,
    failed: s.failed,
  };
}

/** session.run alone on one prepared frame, `runs` times, added to `into` (ms each). */
export async function measureInference(detector: Detector, frame: Buffer, runs: number, into: number[]): Promise<void> {
  const prepared = await detector.prepare(frame);
  for (let i = 0; i < runs; i++) into.push(await detector.timeInference(prepared));
  detector.release(prepared);
}
