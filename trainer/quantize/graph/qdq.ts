/**
 * Rewrites a float graph into QDQ form from a plan and calibrated scales, in the layout that
 * onnxruntime's QDQ transformers fuse into integer kernels:
 * - a quantized tensor gets one QuantizeLinear, right after its producer; an int8 node's output
 *   must go to that Q alone, or onnxruntime will not fuse the node;
 * - every int8 consumer reads its own DequantizeLinear (onnxruntime fuses a DQ into one node
 *   group only), float consumers share one, so float patterns such as x·sigmoid(x) still see one
 *   tensor and still fuse;
 * - weights become int8 initializers with per-channel scales, biases int32 initializers with
 *   scale input scale × weight scale, each behind its own DQ.
 */
import {
  DataType,
  getAttr,
  indexGraph,
  makeTensor,
  removeDeadNodes,
  tensorToFloat32,
  toNumber,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from '../../onnx/index.js';
import type { ActivationType, QuantParams } from '../qparams.js';
import { biasShift, foldChannelFactors, quantizeBias, quantizeWeightsPerChannel } from '../weights.js';
import type { BoundarySide } from './boundaries.js';
import { opKind } from './op-kinds.js';
import { activationInputs, type QuantPlan } from './plan.js';

/** Axis of a weight initializer that holds the op's output channels. */
function weightAxis(node: NodeProto): number {
  if (node.opType === 'Conv') return 0;
  if (node.opType === 'Gemm') return toNumber(getAttr(node, 'transB')?.i) === 1 ? 0 : 1;
  return 1; // MatMul: B is K x N
}

/** Fresh tensor and node names that collide with nothing in the graph. */
class Namer {
  private readonly taken: Set<string>;
  constructor(graph: GraphProto) {
    this.taken = new Set([
      ...(graph.initializer ?? []).map((t) => t.name ?? ''),
      ...(graph.input ?? []).map((t) => t.name ?? ''),
      ...(graph.node ?? []).flatMap((n) => [...(n.output ?? []), n.name ?? '']),
    ]);
  }
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

export interface QdqInput {
  plan: QuantPlan;
  /** Scale and zero point of every root of the plan. */
  params: ReadonlyMap<string, QuantParams>;
  type: ActivationType;
  /** Float-boundary tensors and their per-channel factors (see boundaries.ts). */
  boundaries: ReadonlyMap<string, BoundarySide>;
  factors: ReadonlyMap<string, Float32Array>;
  /** Per-channel means of convolution inputs, for bias correction. */
  means: ReadonlyMap<string, Float64Array>;
}

/** Rewrites `graph` in place. */
export function insertQdq(graph: GraphProto, { plan, params, type, boundaries, factors, means }: QdqInput): void {
  const idx = indexGraph(graph);
  const names = new Namer(graph);
  const inits = (graph.initializer ??= []);
  const addInit = (base: string, t: TensorProto) => {
    const name = names.unique(base);
    inits.push({ ...t, name });
    return name;
  };
  const makeNode = (opType: string, input: string[], output: string, axis?: number): NodeProto => ({
    opType,
    name: names.unique(`${output}_${opType}`),
    input,
    output: [output],
    ...(axis === undefined ? {} : { attribute: [{ name: 'axis', type: 2, i: axis }] }),
  });

  const paramsOf = (tensor: string): QuantParams => {
    const root = plan.root.get(tensor)!;
    const p = params.get(root);
    if (!p) throw new Error(`no calibrated range for tensor '${root}'`);
    return p;
  };
  /** Scale and zero-point initializers, one pair per root tensor, shared by its Q and DQs. */
  const paramInits = new Map<string, [scale: string, zeroPoint: string]>();
  const paramNames = (tensor: string): [string, string] => {
    const root = plan.root.get(tensor)!;
    let pair = paramInits.get(root);
    if (!pair) {
      const p = paramsOf(tensor);
      const zp = type === 'uint8' ? Uint8Array.of(p.zeroPoint) : Int8Array.of(p.zeroPoint);
      pair = [
        addInit(`${root}_scale`, makeTensor(DataType.FLOAT, Float32Array.of(p.scale), [])),
        addInit(`${root}_zero_point`, makeTensor(type === 'uint8' ? DataType.UINT8 : DataType.INT8, zp, [])),
      ];
      paramInits.set(root, pair);
    }
    return pair;
  };

  const quantizedName = new Map<string, string>();
  const dequantize = (t: string, output: string) => makeNode('DequantizeLinear', [quantizedName.get(t)!, ...paramNames(t)], output);
  const hasFloatReader = (t: string) => idx.outputs.has(t) || (idx.consumers.get(t) ?? []).some((c) => !plan.int8.has(c));
  const out: NodeProto[] = [];

  /**
   * The float side of a float boundary applies the per-channel factors with a broadcast Mul by a
   * [1, C, 1, 1] constant: measured on x86 with onnxruntime 1.30 (yolox_nano, 1 thread), its
   * per-channel QuantizeLinear and DequantizeLinear run 5 to 50 times slower than a per-tensor
   * one and a Mul together.
   */
  const channelFactors = (t: string, invert: boolean): string => {
    const f = factors.get(t)!;
    return addInit(`${t}_${invert ? 'inverse_' : ''}factors`, makeTensor(DataType.FLOAT, invert ? f.map((x) => 1 / x) : f, [1, f.length, 1, 1]));
  };

  /** Q of `t` read from `source`; when the producer is int8, a DQ gives float readers back `t`. */
  const emitQuantize = (t: string, source: string) => {
    const q = names.unique(`${t}_quantized`);
    quantizedName.set(t, q);
    const side = factors.has(t) ? boundaries.get(t) : undefined;
    let input = source;
    if (side === 'input') {
      input = names.unique(`${t}_evened`);
      out.push(makeNode('Mul', [source, channelFactors(t, true)], input));
    }
    out.push(makeNode('QuantizeLinear', [input, ...paramNames(t)], q));
    if (source === t || !hasFloatReader(t)) return;
    if (side === 'output') {
      const evened = names.unique(`${t}_evened`);
      out.push(dequantize(t, evened), makeNode('Mul', [evened, channelFactors(t, false)], t));
    } else {
      out.push(dequantize(t, t));
    }
  };

  /** Int8 weights and int32 bias of a weighted node, behind DQs; returns the DQ nodes. */
  const quantizeWeightsOf = (n: NodeProto, inputScale: number): NodeProto[] => {
    const base = n.name || n.output![0]!;
    const axis = weightAxis(n);
    const wInit = idx.initializers.get(n.input![1]!)!;
    const dims = (wInit.dims ?? []).map((d) => toNumber(d));
    const biasInit = n.input![2] ? idx.initializers.get(n.input![2]) : undefined;
    let weights = tensorToFloat32(wInit);
    let bias = biasInit ? tensorToFloat32(biasInit) : undefined;
    const outFactors = boundaries.get(n.output![0]!) === 'output' ? factors.get(n.output![0]!) : undefined;
    const inFactors = boundaries.get(n.input![0]!) === 'input' ? factors.get(n.input![0]!) : undefined;
    const groups = toNumber(getAttr(n, 'group')?.i) || 1;
    if (outFactors || inFactors) {
      weights = foldChannelFactors(weights, dims, groups, outFactors, inFactors);
      if (bias && outFactors) bias = bias.map((b, c) => b / outFactors[c]!);
    }
    const w = quantizeWeightsPerChannel(weights, dims, axis, bias && { values: bias, inputScale });
    const inputMeans = n.opType === 'Conv' ? means.get(n.input![0]!) : undefined;
    if (inputMeans) {
      const shift = biasShift(weights, w.values, w.scales, dims, groups, inFactors ? inputMeans.map((m, c) => m / inFactors[c]!) : inputMeans);
      bias = (bias ?? new Float32Array(shift.length)).map((b, c) => b - shift[c]!);
    }
    const channels = w.scales.length;
    const nodes: NodeProto[] = [];
    const wName = names.unique(`${base}_weight_dequantized`);
    nodes.push(
      makeNode(
        'DequantizeLinear',
        [
          addInit(`${base}_weight_quantized`, makeTensor(DataType.INT8, w.values, dims)),
          addInit(`${base}_weight_scale`, makeTensor(DataType.FLOAT, w.scales, [channels])),
          addInit(`${base}_weight_zero_point`, makeTensor(DataType.INT8, new Int8Array(channels), [channels])),
        ],
        wName,
        axis,
      ),
    );
    n.input![1] = wName;
    if (bias) {
      const b = quantizeBias(bias, inputScale, w.scales);
      const bName = names.unique(`${base}_bias_dequantized`);
      nodes.push(
        makeNode(
          'DequantizeLinear',
          [
            addInit(`${base}_bias_quantized`, makeTensor(DataType.INT32, b.values, [channels])),
            addInit(`${base}_bias_scale`, makeTensor(DataType.FLOAT, b.scales, [channels])),
            addInit(`${base}_bias_zero_point`, makeTensor(DataType.INT32, new Int32Array(channels), [channels])),
          ],
          bName,
          0,
        ),
      );
      n.input = [n.input![0]!, n.input![1]!, bName];
    }
    return nodes;
  };

  for (const input of graph.input ?? []) if (plan.root.has(input.name ?? '')) emitQuantize(input.name!, input.name!);

  for (const n of graph.node ?? []) {
    const int8 = plan.int8.has(n);
    if (int8) {
      const kind = opKind(n.opType ?? '');
      const activations = activationInputs(n, kind);
      const dequantized = new Map<string, string>();
      for (const t of activations) {
        if (dequantized.has(t)) continue;
        const name = names.unique(`${t}_dequantized`);
        out.push(dequantize(t, name));
        dequantized.set(t, name);
      }
      if (kind === 'weighted') out.push(...quantizeWeightsOf(n, paramsOf(activations[0]!).scale));
      n.input = n.input!.map((t) => dequantized.get(t) ?? t);
    }
    const originals = [...(n.output ?? [])];
    n.output = originals.map((o) => (int8 && plan.root.has(o) ? names.unique(`${o}_float`) : o));
    out.push(n);
    originals.forEach((o, i) => {
      if (plan.root.has(o)) emitQuantize(o, n.output![i]!);
    });
  }
  graph.node = out;
  // The float weights and biases now have no reader.
  removeDeadNodes(graph);
}
