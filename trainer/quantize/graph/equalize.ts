/**
 * Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight
 * Equalization and Bias Correction"). Between a Conv and the Convs that read it through ReLU,
 * LeakyRelu or MaxPool only (ops with f(s·x) = s·f(x) for s > 0), output channel c of the first
 * can be divided by s_c and input channel c of the others multiplied by it without changing what
 * the network computes. Picked to even out the channel ranges of the tensors in between, this
 * lets one int8 scale per tensor serve every channel, in pure int8 with no extra op. (Where float
 * ops sit in between, boundaries.ts gets the same effect with per-channel factors on the float side.)
 */
import { getAttr, indexGraph, tensorToFloat32, toNumber, DataType, type GraphProto, type NodeProto, type TensorProto } from '../../onnx/index.js';
import { foldChannelFactors } from '../weights.js';

/** Ops through which a per-channel positive scale passes unchanged. */
const HOMOGENEOUS = new Set(['Relu', 'LeakyRelu', 'MaxPool']);

export interface EqualizeChain {
  producer: NodeProto;
  /** The producer's output: the tensor whose channel statistics pick the factors. */
  tensor: string;
  consumers: NodeProto[];
}

/** Every Conv whose output reaches only Convs (at their data input) through homogeneous ops. */
export function equalizableChains(graph: GraphProto): EqualizeChain[] {
  const idx = indexGraph(graph);
  const ownWeights = (conv: NodeProto) =>
    conv.input!.slice(1).every((w) => !w || (idx.initializers.has(w) && (idx.consumers.get(w) ?? []).length === 1));
  const chains: EqualizeChain[] = [];
  for (const producer of graph.node ?? []) {
    if (producer.opType !== 'Conv' || !ownWeights(producer)) continue;
    const tensor = producer.output![0]!;
    const consumers: NodeProto[] = [];
    const stack = [tensor];
    let ok = true;
    while (ok && stack.length) {
      const t = stack.pop()!;
      if (idx.outputs.has(t)) ok = false;
      for (const c of idx.consumers.get(t) ?? []) {
        if (c.opType === 'Conv' && c.input![0] === t && !c.input!.slice(1).includes(t) && ownWeights(c)) consumers.push(c);
        else if (HOMOGENEOUS.has(c.opType ?? '') && c.output!.length === 1) stack.push(c.output![0]!);
        else ok = false;
      }
    }
    if (ok && consumers.length) chains.push({ producer, tensor, consumers });
  }
  return chains;
}

/** Sets a float initializer's values, as raw data (the typed fields must then be empty). */
function setFloats(t: TensorProto, values: Float32Array): void {
  t.dataType = DataType.FLOAT;
  t.rawData = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  t.floatData = [];
}

/** Rewrites the weights of a chain in place: the producer's output channel c divided by f[c], its readers' input channel c multiplied. */
export function equalizeChain(graph: GraphProto, chain: EqualizeChain, f: Float32Array): void {
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const rewrite = (conv: NodeProto, outDivide?: Float32Array, inMultiply?: Float32Array) => {
    const w = inits.get(conv.input![1]!)!;
    const dims = (w.dims ?? []).map((d) => toNumber(d));
    const scaled = foldChannelFactors(tensorToFloat32(w), dims, toNumber(getAttr(conv, 'group')?.i) || 1, outDivide, inMultiply);
    setFloats(w, scaled);
    const b = conv.input![2] ? inits.get(conv.input![2]) : undefined;
    if (b && outDivide) setFloats(b, tensorToFloat32(b).map((v, c) => v / outDivide[c]!));
  };
  rewrite(chain.producer, f);
  for (const c of chain.consumers) rewrite(c, undefined, f);
}
