/**
 * Float boundaries: quantized tensors that pass between an int8 convolution and float ops only.
 * Early layers of BN-folded networks have channels whose ranges differ a thousandfold (yolox_nano's
 * first SiLU output: one channel up to 92, another never above 0.2); one int8 scale for the whole
 * tensor rounds the small channels away. onnxruntime's integer convolution takes one scale per
 * tensor, but the Q or DQ on the float side of a boundary may have one per channel. So such a
 * tensor is stored divided by a per-channel factor, with the factor folded into the convolution
 * on the int8 side and put back by the per-channel Q/DQ on the float side:
 * - output side, conv → DQ → float ops: the conv's output channel c is scaled by 1/s_c (its
 *   weight row and bias), the DQ multiplies by s_c;
 * - input side, float op → Q → convs: the Q divides channel c by t_c, every reading conv
 *   multiplies its input channel c weights by t_c.
 */
import { indexGraph, type GraphProto, type NodeProto } from '../../onnx/index.js';
import type { QuantPlan } from './plan.js';

/** Which side of the boundary the convolutions are on (see above). */
export type BoundarySide = 'output' | 'input';

function groupSizes(plan: QuantPlan): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const root of plan.root.values()) sizes.set(root, (sizes.get(root) ?? 0) + 1);
  return sizes;
}

/** Reads `t` at input 0 only, as NCHW convolutions do. */
const convInput = (n: NodeProto, t: string) => n.opType === 'Conv' && n.input![0] === t && !n.input!.slice(1).includes(t);

/** The quantized NCHW tensors that can take per-channel scales, and on which side their convs are. */
export function floatBoundaries(graph: GraphProto, plan: QuantPlan): Map<string, BoundarySide> {
  const idx = indexGraph(graph);
  const sizes = groupSizes(plan);
  const out = new Map<string, BoundarySide>();
  for (const [t, root] of plan.root) {
    // A tensor sharing its scale with others (pass-through, Concat) must keep the shared one.
    if (sizes.get(root) !== 1) continue;
    const producer = idx.producer.get(t);
    const int8Readers = (idx.consumers.get(t) ?? []).filter((r) => plan.int8.has(r));
    if (producer && plan.int8.has(producer)) {
      if (producer.opType === 'Conv' && !int8Readers.length) out.set(t, 'output');
    } else if (int8Readers.length && int8Readers.every((r) => convInput(r, t))) {
      out.set(t, 'input');
    }
  }
  return out;
}
