/**
 * The raw head the losses read, [B, N, K] in anchor order, put together from the head
 * convolutions' NCHW outputs as the executor returns them; and which weights belong to one
 * level's head branch only (what still trains while the shared backbone and neck are frozen).
 */
import * as tf from '@tensorflow/tfjs';
import { flattenLevels } from '../losses/index.js';
import { indexGraph, type GraphProto, type NodeProto } from '../onnx/index.js';
import type { HeadGroup } from './head-graph.js';

export class RawHead {
  /** Tensors to ask the executor for: each head convolution's output. */
  readonly tensors: string[];

  constructor(readonly groups: readonly HeadGroup[]) {
    this.tensors = [...new Set(groups.flatMap((g) => g.segments.map((s) => s.conv.output![0]!)))];
  }

  /** The head convolutions' outputs -> [B, N, K], levels finest first, rows in the family's order. */
  assemble(outputs: Record<string, tf.Tensor>): tf.Tensor3D {
    return tf.tidy(() => {
      const levels = this.groups.map((g) => {
        const first = g.segments[0]!;
        // One convolution cut into consecutive segments is already the row as it stands.
        if (first.offset === 0 && g.segments.every((s) => s.conv === first.conv)) return outputs[first.conv.output![0]!] as tf.Tensor4D;
        const parts = g.segments.map((s) => {
          const t = outputs[s.conv.output![0]!] as tf.Tensor4D;
          return s.offset === 0 && s.size === t.shape[1] ? t : tf.slice(t, [0, s.offset, 0, 0], [-1, s.size, -1, -1]);
        });
        return tf.concat(parts, 1) as tf.Tensor4D;
      });
      levels.sort((a, b) => b.shape[2] * b.shape[3] - a.shape[2] * a.shape[3]);
      return flattenLevels(levels);
    });
  }
}

/**
 * Initializers read only by nodes that lead to one level's head convolutions and no other's: the
 * per-level head branches. Everything else (backbone, neck) feeds several levels.
 */
export function headBranchInitializers(graph: GraphProto, groups: readonly HeadGroup[]): Set<string> {
  const idx = indexGraph(graph);
  const own = new Map<NodeProto, number>();
  groups.forEach((g, level) => g.segments.forEach((s) => own.set(s.conv, (own.get(s.conv) ?? 0) | (1 << level))));
  const memo = new Map<NodeProto, number>();
  const reach = (node: NodeProto): number => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, 0);
    let mask = own.get(node) ?? 0;
    for (const o of node.output ?? []) for (const c of idx.consumers.get(o) ?? []) mask |= reach(c);
    memo.set(node, mask);
    return mask;
  };
  const names = new Set<string>();
  for (const node of graph.node ?? []) {
    const mask = reach(node);
    if (mask === 0 || (mask & (mask - 1)) !== 0) continue;
    for (const i of node.input ?? []) if (idx.initializers.has(i)) names.add(i);
  }
  return names;
}
