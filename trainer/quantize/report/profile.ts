/**
 * Time per op type from onnxruntime's profiler: what the kernels onnxruntime actually ran
 * (QLinearConv, FusedConv, QuickGelu...) cost per inference, the measurement behind the choice of
 * which op types stay float.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import type { LatencyInput } from './latency.js';

/** A node event of onnxruntime's Chrome-trace profile. */
interface TraceEvent {
  cat?: string;
  name?: string;
  dur?: number;
  args?: { op_name?: string };
}

/** ms per inference by op type, largest first, from a profile trace of `runs` inferences. */
export function opTypeTimes(trace: readonly TraceEvent[], runs: number): Record<string, number> {
  const total: Record<string, number> = {};
  for (const e of trace) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || !e.args?.op_name) continue;
    total[e.args.op_name] = (total[e.args.op_name] ?? 0) + (e.dur ?? 0);
  }
  return Object.fromEntries(
    Object.entries(total)
      .map(([op, us]) => [op, us / 1000 / runs] as const)
      .sort((a, b) => b[1] - a[1]),
  );
}

/**
 * Profiles `runs` inferences of each file, the sessions taking turns as in latency.ts, and
 * returns ms per op type and inference for each.
 */
export async function profileOpTypes(files: readonly string[], input: LatencyInput, threads: number, runs: number): Promise<Record<string, number>[]> {
  const stamp = `${process.pid}-${Date.now()}`;
  const sessions: OnnxSession[] = [];
  const traces: string[] = [];
  try {
    for (const [i, f] of files.entries()) sessions.push(await OnnxSession.create(f, { threads, profileFilePrefix: join(tmpdir(), `argus-profile-${stamp}-${i}`) }));
    for (let r = 0; r < runs; r++) for (const s of sessions) await s.run(input.name, input.data, input.dims);
    for (const s of sessions) traces.push(s.endProfiling());
    return traces.map((t) => opTypeTimes(JSON.parse(readFileSync(t, 'utf8')) as TraceEvent[], runs));
  } finally {
    for (const s of sessions) await s.close();
    for (const t of traces) rmSync(t, { force: true });
  }
}
