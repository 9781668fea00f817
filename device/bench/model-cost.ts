import { readFile } from 'node:fs/promises';
import { ModelFileError } from '../../models/errors.js';
import { OnnxSession } from '../inference/onnx-session.js';
import { readOnnxGraph, withGraphOutputs, type OnnxGraphInfo, type OnnxNode } from './onnx/graph.js';

/** What one frame costs the model. */
export interface ModelCost {
  /** Elements of the weights and biases of the counted ops (int8 files count the same as fp32). */
  params: number;
  /** Multiply-accumulates per frame of the counted ops. */
  macs: number;
  /** Per counted op type: node count and MACs. */
  by_op: Record<string, { nodes: number; macs: number }>;
}

/**
 * The ops counted and where their inputs sit: `x` the activation, `w` the weight, `b` the bias.
 * Element-wise ops, pooling, resize and the decode tail are left out: they are a few percent of a
 * detector's work and not what GOPS figures are quoted in.
 */
const COUNTED: Record<string, { x: number; w: number; b?: number }> = {
  Conv: { x: 0, w: 1, b: 2 },
  ConvInteger: { x: 0, w: 1 },
  QLinearConv: { x: 0, w: 3, b: 8 },
  ConvTranspose: { x: 0, w: 1, b: 2 },
  Gemm: { x: 0, w: 1, b: 2 },
  MatMul: { x: 0, w: 1 },
  MatMulInteger: { x: 0, w: 1 },
  QLinearMatMul: { x: 0, w: 3 },
};

/** Ops whose output has the shape of their first input: a weight's shape is found through them. */
const SAME_SHAPE = new Set(['DequantizeLinear', 'QuantizeLinear', 'Identity', 'Cast']);
/** Ops a stored weight may pass through on its way to a counted op; its elements still count once. */
const WEIGHT_PATH = new Set([...SAME_SHAPE, 'Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);

const prod = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Shapes and stored tensors of one graph, found statically where they can be, else from a probe run. */
class Shapes {
  private readonly producer = new Map<string, OnnxNode>();
  readonly probed = new Map<string, readonly number[]>();

  constructor(private readonly g: OnnxGraphInfo) {
    for (const n of g.nodes) for (const o of n.outputs) this.producer.set(o, n);
  }

  /** An initializer's or a Constant's shape, also through same-shape ops (a weight's DequantizeLinear). */
  static(name: string): readonly number[] | null {
    for (let n = name, hops = 0; hops < 8; hops++) {
      const init = this.g.initializers.get(n);
      if (init) return init;
      const p = this.producer.get(n);
      if (!p) return null;
      if (p.opType === 'Constant') return p.tensorDims.get('value') ?? null;
      if (!SAME_SHAPE.has(p.opType)) return null;
      n = p.inputs[0]!;
    }
    return null;
  }

  of(name: string): readonly number[] {
    const s = this.static(name) ?? this.probed.get(name);
    if (!s) throw new Error(`no shape for tensor '${name}'`);
    return s;
  }

  /** The stored tensor (initializer or Constant output) behind a weight or bias, or null when it is computed. */
  storedSource(name: string): string | null {
    for (let n = name, hops = 0; hops < 8; hops++) {
      if (this.g.initializers.has(n)) return n;
      const p = this.producer.get(n);
      if (!p) return null;
      if (p.opType === 'Constant') return n;
      if (!WEIGHT_PATH.has(p.opType)) return null;
      n = p.inputs[0]!;
    }
    return null;
  }

  storedSize(source: string): number {
    return prod(this.g.initializers.get(source) ?? this.producer.get(source)?.tensorDims.get('value') ?? []);
  }
}

function nodeMacs(n: OnnxNode, shapes: Shapes): number {
  const slots = COUNTED[n.opType]!;
  const out = shapes.of(n.outputs[0]!);
  const w = shapes.of(n.inputs[slots.w]!);
  switch (n.opType) {
    case 'ConvTranspose': // weight [C_in, C_out/group, k…]: every input element feeds C_out/group × k outputs
      return prod(shapes.of(n.inputs[slots.x]!)) * prod(w.slice(1));
    case 'Conv':
    case 'ConvInteger':
    case 'QLinearConv': // weight [C_out, C_in/group, k…]: every output element sums C_in/group × k products
      return prod(out) * prod(w.slice(1));
    case 'Gemm': {
      const a = shapes.of(n.inputs[slots.x]!);
      const transA = n.ints.get('transA')?.[0] === 1;
      return prod(out) * (transA ? a[0]! : a[1]!);
    }
    default: {
      const a = shapes.of(n.inputs[slots.x]!);
      return prod(out) * a[a.length - 1]!;
    }
  }
}

/**
 * Parameters and MACs per frame of an ONNX model, from its graph. Output shapes come from one
 * run of the graph on a zero input with every counted op's output (and activation input) made a
 * graph output, so shapes set by Resize, Reshape or Shape arithmetic are exact, as onnxruntime
 * computes them. `input` is the model input and its dims (the model's size, batch 1).
 */
export async function modelCost(file: string, input: { name: string; dims: readonly number[] }): Promise<ModelCost> {
  const model = new Uint8Array(await readFile(file));
  const g = readOnnxGraph(model, file);
  const counted = g.nodes.filter((n) => (n.domain === '' || n.domain === 'ai.onnx') && n.opType in COUNTED);
  const shapes = new Shapes(g);
  shapes.probed.set(input.name, input.dims);

  const needed = new Set<string>();
  for (const n of counted) {
    const slots = COUNTED[n.opType]!;
    for (const name of [n.outputs[0], n.inputs[slots.x], n.inputs[slots.w]]) {
      if (name && !shapes.probed.has(name) && !shapes.static(name)) needed.add(name);
    }
  }
  if (needed.size) {
    const extra = [...needed].filter((n) => !g.outputs.includes(n));
    const session = await OnnxSession.fromBytes(withGraphOutputs(model, extra), file, { threads: 1, graphOptimization: 'disabled' });
    try {
      for (const [name, dims] of await session.runShapes(input.name, new Float32Array(prod(input.dims)), input.dims)) shapes.probed.set(name, dims);
    } finally {
      await session.close();
    }
  }

  const by_op: ModelCost['by_op'] = {};
  const weights = new Set<string>();
  let macs = 0;
  for (const n of counted) {
    let m: number;
    try {
      m = nodeMacs(n, shapes);
    } catch (e) {
      throw new ModelFileError(file, `cannot count the cost of ${n.opType} node '${n.name}': ${(e as Error).message}`, { cause: e });
    }
    macs += m;
    const op = (by_op[n.opType] ??= { nodes: 0, macs: 0 });
    op.nodes++;
    op.macs += m;
    const slots = COUNTED[n.opType]!;
    for (const slot of [slots.w, slots.b]) {
      const name = slot === undefined ? undefined : n.inputs[slot];
      const source = name ? shapes.storedSource(name) : null;
      if (source) weights.add(source);
    }
  }
  let params = 0;
  for (const w of weights) params += shapes.storedSize(w);
  return { params, macs, by_op };
}
