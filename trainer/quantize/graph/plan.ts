/**
 * Decides which nodes run in int8 and which activation tensors need a scale. Nodes are visited in
 * topological order, so a node knows whether its inputs already arrive quantized:
 * - weighted ops (Conv...) always go int8 when their weights are constant: they are where the time goes;
 * - the others go int8 only when all their activation inputs are already int8 (or a graph input),
 *   since a lone int8 Add between float neighbours costs a quantize and gains nothing;
 * - pass-through ops (Reshape, MaxPool...) keep their input's scale, which lets onnxruntime drop
 *   their Q/DQ and move int8 values directly;
 * - a Concat shares one scale with all its inputs: onnxruntime's QLinearConcat then copies bytes
 *   instead of requantizing each input, which is faster and rounds once instead of at every
 *   concatenation of a chain (ShuffleNet blocks concatenate what the previous block concatenated).
 */
import { DataType, getAttr, indexGraph, toNumber, type GraphProto, type NodeProto } from '../../onnx/index.js';
import { opKind } from './op-kinds.js';
import type { DecodeTail } from './tail.js';

export type FloatReason = 'decode tail' | 'stem' | 'excluded' | 'op type kept float' | 'not supported' | 'float neighbours';

export interface QuantPlan {
  int8: Set<NodeProto>;
  /** Why each other node stays float. */
  float: Map<NodeProto, FloatReason>;
  /**
   * Every quantized activation tensor → the root of the group of tensors that share its scale
   * (through pass-through ops and concatenations); the scale covers the whole group.
   */
  root: Map<string, string>;
  /** Tensors to calibrate, in graph order: all quantized tensors but pass-through outputs. */
  calibrate: string[];
  /** `--exclude` patterns that matched no node or tensor. */
  unmatchedExcludes: string[];
}

export interface PlanOptions {
  /** Op types allowed in int8. */
  ops: ReadonlySet<string>;
  tail: DecodeTail;
  /** Convolutions of the stem that the family keeps float (see QuantizationHint). */
  stem: ReadonlySet<NodeProto>;
  /** Patterns of node names or of their output tensors' names kept float; `*` matches any run of characters. */
  exclude: readonly string[];
  /** Element type of every tensor (see dtypes.ts). */
  types: ReadonlyMap<string, number>;
}

function patternRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** The activation inputs of a node of the given kind (weights and shape inputs excluded). */
export function activationInputs(node: NodeProto, kind: ReturnType<typeof opKind>): string[] {
  const inputs = node.input ?? [];
  return kind === 'binary' || kind === 'variadic' ? inputs.filter(Boolean) : inputs.slice(0, 1);
}

/** Whether a weighted node has what QDQ needs: constant float weights of a shape it understands. */
function weightsUsable(node: NodeProto, idx: ReturnType<typeof indexGraph>): boolean {
  const w = idx.initializers.get(node.input?.[1] ?? '');
  if (!w || w.dataType !== DataType.FLOAT) return false;
  const rank = (w.dims ?? []).length;
  const bias = node.input?.[2];
  const b = bias ? idx.initializers.get(bias) : undefined;
  if (bias && (!b || b.dataType !== DataType.FLOAT || (b.dims ?? []).length !== 1)) return false;
  if (node.opType === 'Conv') return rank >= 3;
  if (node.opType === 'Gemm') {
    const ones = ['alpha', 'beta'].every((a) => (getAttr(node, a)?.f ?? 1) === 1);
    return rank === 2 && ones && toNumber(getAttr(node, 'transA')?.i) === 0;
  }
  return rank === 2;
}

export function planQuantization(graph: GraphProto, opts: PlanOptions): QuantPlan {
  const idx = indexGraph(graph);
  const nodes = graph.node ?? [];
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name ?? '').filter((n) => !idx.initializers.has(n)));
  const regexes = opts.exclude.map((p) => ({ pattern: p, re: patternRegex(p), hits: 0 }));
  const plan: QuantPlan = { int8: new Set(), float: new Map(), root: new Map(), calibrate: [], unmatchedExcludes: [] };
  const isFloat = (t: string) => opts.types.get(t) === DataType.FLOAT;
  /** Tensors that exist in int8 (or can at no extra cost): graph inputs and int8 nodes' tensors. */
  const available = (t: string) => graphInputs.has(t) || [idx.producer.get(t), ...(idx.consumers.get(t) ?? [])].some((n) => n && plan.int8.has(n));

  const decide = (node: NodeProto): FloatReason | null => {
    const names = [node.name ?? '', ...(node.output ?? [])];
    const excluded = regexes.filter((r) => names.some((n) => r.re.test(n)));
    excluded.forEach((r) => r.hits++);
    if (opts.tail.nodes.has(node)) return 'decode tail';
    if (opts.stem.has(node)) return 'stem';
    if (excluded.length) return 'excluded';
    const kind = opKind(node.opType ?? '');
    if (!kind) return 'not supported';
    if (!opts.ops.has(node.opType ?? '')) return 'op type kept float';
    const inputs = activationInputs(node, kind);
    const outputs = (node.output ?? []).filter(Boolean);
    if (!inputs.length || ![...inputs, ...outputs].every(isFloat) || inputs.some((i) => idx.initializers.has(i))) return 'not supported';
    if (node.opType === 'MaxPool' && outputs.length > 1) return 'not supported';
    if (kind === 'weighted') return weightsUsable(node, idx) ? null : 'not supported';
    return inputs.every(available) ? null : 'float neighbours';
  };

  for (const node of nodes) {
    const reason = decide(node);
    if (reason) plan.float.set(node, reason);
    else plan.int8.add(node);
  }
  // Int8 pays off in the weighted ops; an int8 Slice or Concat whose result only float ops read
  // (yolox's Focus before its float stem conv) would just add a quantize and a dequantize.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!plan.int8.has(node) || opKind(node.opType ?? '') === 'weighted') continue;
    if (!(node.output ?? []).some((o) => (idx.consumers.get(o) ?? []).some((c) => plan.int8.has(c)))) {
      plan.int8.delete(node);
      plan.float.set(node, 'float neighbours');
    }
  }

  /** Union-find over tensors that must share a scale. */
  const parent = new Map<string, string>();
  const find = (t: string): string => {
    let r = t;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(t, r);
    return r;
  };
  const quantize = (t: string, calibrate: boolean) => {
    if (parent.has(t)) return;
    parent.set(t, t);
    if (calibrate) plan.calibrate.push(t);
  };
  for (const node of nodes) {
    if (!plan.int8.has(node)) continue;
    const kind = opKind(node.opType ?? '');
    const inputs = activationInputs(node, kind);
    for (const t of inputs) quantize(t, true);
    for (const o of (node.output ?? []).filter(Boolean)) {
      quantize(o, kind !== 'passthrough');
      if (kind === 'passthrough' || kind === 'variadic') for (const t of inputs) parent.set(find(o), find(t));
    }
  }
  for (const t of parent.keys()) plan.root.set(t, find(t));
  plan.unmatchedExcludes = regexes.filter((r) => r.hits === 0).map((r) => r.pattern);
  return plan;
}

/** The range of each scale group: the union of its calibrated members' ranges. */
export function groupRanges(plan: QuantPlan, ranges: ReadonlyMap<string, readonly [number, number]>): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const [t, [lo, hi]] of ranges) {
    const root = plan.root.get(t)!;
    const r = out.get(root);
    out.set(root, r ? [Math.min(r[0], lo), Math.max(r[1], hi)] : [lo, hi]);
  }
  return out;
}
