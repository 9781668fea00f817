/**
 * Finds the decode tail: the head's last convolutions and every node after them. The family's
 * quantization hint names the head convolutions by their output channels; a family without one,
 * or a graph where none matches, falls back to the last convolution on each path to an output.
 */
import { indexGraph, toNumber, type GraphProto, type NodeProto } from '../../onnx/index.js';

export interface DecodeTail {
  /** The convolutions whose outputs are raw predictions. */
  headConvs: NodeProto[];
  /** Nodes after the head convolutions (not including them). */
  nodes: Set<NodeProto>;
  /** How the head was found. */
  rule: 'family hint' | 'last convolution';
}

function outChannels(conv: NodeProto, graph: ReturnType<typeof indexGraph>): number | undefined {
  const w = graph.initializers.get(conv.input?.[1] ?? '');
  return w?.dims?.length ? toNumber(w.dims[0]) : undefined;
}

/** Every node reachable from the outputs of `from` (not including `from`). */
function downstream(from: readonly NodeProto[], idx: ReturnType<typeof indexGraph>): Set<NodeProto> {
  const seen = new Set<NodeProto>();
  const stack = from.flatMap((n) => n.output ?? []);
  while (stack.length) {
    for (const c of idx.consumers.get(stack.pop()!) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      stack.push(...(c.output ?? []));
    }
  }
  return seen;
}

/** Of `candidates`, those with no other candidate after them. */
function lastOf(candidates: NodeProto[], idx: ReturnType<typeof indexGraph>): NodeProto[] {
  const set = new Set(candidates);
  return candidates.filter((c) => ![...downstream([c], idx)].some((d) => set.has(d)));
}

export function findDecodeTail(graph: GraphProto, headChannels: readonly number[] | undefined): DecodeTail {
  const idx = indexGraph(graph);
  const convs = (graph.node ?? []).filter((n) => n.opType === 'Conv');
  if (headChannels) {
    const wanted = new Set(headChannels);
    const heads = lastOf(convs.filter((c) => wanted.has(outChannels(c, idx) ?? -1)), idx);
    if (heads.length) return { headConvs: heads, nodes: downstream(heads, idx), rule: 'family hint' };
  }
  const heads = lastOf(convs, idx);
  return { headConvs: heads, nodes: downstream(heads, idx), rule: 'last convolution' };
}
