/**
 * Rewrites x·sigmoid(x) (SiLU) into onnxruntime's QuickGelu with alpha 1, for SiLUs that stay
 * float. onnxruntime fuses the pair itself in fp32 graphs, but in a QDQ graph it first gives every
 * DequantizeLinear a single reader, so Sigmoid and Mul read two copies of x and the fusion never
 * matches: the SiLU would cost two passes and two dequantizations instead of one.
 */
import { indexGraph, type GraphProto, type ModelProto, type NodeProto } from '../../onnx/index.js';

export const MS_DOMAIN = 'com.microsoft';

/** Replaces every SiLU pair by one QuickGelu node; returns how many. */
export function fuseSilu(model: ModelProto): number {
  const graph: GraphProto = model.graph!;
  const idx = indexGraph(graph);
  const replaced = new Map<NodeProto, NodeProto>();
  const dropped = new Set<NodeProto>();
  for (const sig of graph.node ?? []) {
    if (sig.opType !== 'Sigmoid') continue;
    const x = sig.input![0]!;
    const s = sig.output![0]!;
    const readers = idx.consumers.get(s) ?? [];
    if (readers.length !== 1 || idx.outputs.has(s)) continue;
    const mul = readers[0]!;
    const ins = mul.input ?? [];
    if (mul.opType !== 'Mul' || !((ins[0] === x && ins[1] === s) || (ins[0] === s && ins[1] === x))) continue;
    dropped.add(sig);
    replaced.set(mul, {
      opType: 'QuickGelu',
      domain: MS_DOMAIN,
      name: `${mul.name || mul.output![0]}_silu`,
      input: [x],
      output: [...mul.output!],
      attribute: [{ name: 'alpha', type: 1, f: 1 }],
    });
  }
  if (!replaced.size) return 0;
  graph.node = (graph.node ?? []).filter((n) => !dropped.has(n)).map((n) => replaced.get(n) ?? n);
  if (!(model.opsetImport ?? []).some((o) => o.domain === MS_DOMAIN)) (model.opsetImport ??= []).push({ domain: MS_DOMAIN, version: 1 });
  return replaced.size;
}
