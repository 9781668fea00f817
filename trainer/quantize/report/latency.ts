/**
 * Inference latency of the fp32 and int8 files, measured in the same process on the same input.
 * The two sessions take turns run by run, so load from other processes hits both alike and the
 * ratio stays fair on a busy machine.
 */
import { OnnxSession } from '../../../device/inference/onnx-session.js';

export interface LatencyInput {
  name: string;
  data: Float32Array;
  dims: readonly number[];
}

/** Untimed runs first: the first runs allocate buffers and warm caches. */
const WARMUP_RUNS = 5;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median ms per run of each file with `threads` intra-op threads, `runs` timed runs each. */
export async function pairedLatency(files: readonly string[], input: LatencyInput, threads: number, runs: number): Promise<number[]> {
  const sessions: OnnxSession[] = [];
  try {
    for (const f of files) sessions.push(await OnnxSession.create(f, { threads }));
    const times = files.map(() => [] as number[]);
    for (let i = 0; i < WARMUP_RUNS + runs; i++) {
      for (const [k, s] of sessions.entries()) {
        const t0 = performance.now();
        await s.run(input.name, input.data, input.dims);
        if (i >= WARMUP_RUNS) times[k]!.push(performance.now() - t0);
      }
    }
    return times.map(median);
  } finally {
    for (const s of sessions) await s.close();
  }
}
