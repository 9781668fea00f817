/** Shared by the executor and backend tests: reference runs in onnxruntime, data, comparisons. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import type { RawTensor } from '../../../models/family.js';
import { DataType, GraphBuilder, valueInfo, writeModel, type ModelProto } from '../../../trainer/onnx/index.js';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'argus-exec-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a model file in onnxruntime on one float input; outputs in the model's order. */
export async function runOrtFile(file: string, data: Float32Array, dims: number[]): Promise<RawTensor[]> {
  const session = await OnnxSession.create(file, { threads: 1 });
  try {
    return await session.run(session.inputs[0]!.name, data, dims);
  } finally {
    await session.close();
  }
}

/** Runs an in-memory model in onnxruntime (through a temporary file). */
export async function runOrt(model: ModelProto, data: Float32Array, dims: number[]): Promise<RawTensor[]> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'model.onnx');
    await writeModel(file, model);
    return runOrtFile(file, data, dims);
  });
}

/** Deterministic values in [lo, hi) (mulberry32), so failures reproduce. */
export function randomData(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = d; // NaN propagates as a failure
  }
  return m;
}

/** max |a - b| relative to max |b|: the error measure of the gradient checks. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxAbsDiff(a, b) / Math.max(scale, 1e-12);
}

export interface Preprocess {
  /** Channel order fed to the model. */
  color: 'RGB' | 'BGR';
  mean: [number, number, number];
  std: [number, number, number];
}

/** A JPEG resized (stretched) to size x size as NCHW float data; the same tensor feeds both runtimes. */
export async function imageData(file: string, size: number, p: Preprocess): Promise<Float32Array> {
  const raw = await sharp(file).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const src = p.color === 'RGB' ? c : 2 - c;
      out[c * plane + i] = (raw[i * 3 + src]! - p.mean[c]!) / p.std[c]!;
    }
  }
  return out;
}

/** A graph output with `rank` symbolic dims (the tests check shapes against onnxruntime's). */
export function addOutput(g: GraphBuilder, name: string, rank: number): void {
  g.addOutput(
    name,
    DataType.FLOAT,
    Array.from({ length: rank }, (_, i) => `d${i}`),
  );
}

/**
 * A copy of `model` whose first input is declared with `dims` and whose outputs have symbolic
 * dims, so onnxruntime accepts another input size (the conv graph itself is size-agnostic).
 */
export function withInputDims(model: ModelProto, dims: number[]): ModelProto {
  const graph = model.graph!;
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).map((i) => (inits.has(i.name) ? i : valueInfo(i.name ?? '', DataType.FLOAT, dims)));
  const outputs = (graph.output ?? []).map((o) => valueInfo(o.name ?? '', DataType.FLOAT, (o.type?.tensorType?.shape?.dim ?? []).map((_, k) => `d${k}`)));
  return { ...model, graph: { ...graph, input: inputs, output: outputs, valueInfo: [] } };
}
