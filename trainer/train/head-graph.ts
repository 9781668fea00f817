/**
 * Finds a detector's prediction head in its ONNX graph: per level, the last convolutions and which
 * of their output channels are box regression, objectness and class logits. The exports argus
 * trains join a level's predictions in one of two ways, and the order they join them in is the
 * order the family's loss reads a raw head row in:
 * - separate convolutions concatenated on the channel axis (YOLOX: box, objectness, classes;
 *   Ultralytics YOLOv8: box distributions, classes);
 * - one convolution cut by a Split (NanoDet-m: classes, box distributions).
 */
import type { ModelFamily } from '../../models/family.js';
import { getAttr, getIntsAttr, indexGraph, tensorToNumbers, toNumber, type GraphIndex, type GraphProto, type NodeProto } from '../onnx/index.js';
import { TrainError } from './errors.js';

export type SegmentRole = 'box' | 'obj' | 'cls';

/** A run of output channels of one head convolution. */
export interface HeadSegment {
  conv: NodeProto;
  role: SegmentRole;
  /** First channel of the segment in the convolution's output. */
  offset: number;
  size: number;
}

/** One level's predictions in the order the family's loss reads them. */
export interface HeadGroup {
  segments: HeadSegment[];
  /** The Split that cuts one convolution into the segments, when the export has one. */
  split?: NodeProto;
}

/** Each family's raw head row: segment roles and sizes for `numClasses` classes. */
const LAYOUTS: Record<string, (head: Record<string, unknown>, numClasses: number) => [SegmentRole, number][]> = {
  yolox: (_h, c) => [['box', 4], ['obj', 1], ['cls', c]],
  nanodet: (h, c) => [['cls', c], ['box', 4 * Number(h.bins)]],
  yolov8: (h, c) => [['box', 4 * Number(h.regMax)], ['cls', c]],
};

/** Families the trainer has a head layout (and a loss) for. */
export const TRAINABLE_FAMILIES = Object.keys(LAYOUTS);

export function headLayout(family: ModelFamily<unknown>, head: unknown, numClasses: number): [SegmentRole, number][] {
  const layout = LAYOUTS[family.name];
  if (!layout) throw new TrainError(`cannot train family '${family.name}'. Should be one of: ${TRAINABLE_FAMILIES.join(', ')}`);
  return layout(head as Record<string, unknown>, numClasses);
}

export function outChannels(conv: NodeProto, idx: GraphIndex): number {
  const w = idx.initializers.get(conv.input?.[1] ?? '');
  if (!w?.dims?.length) throw new TrainError(`convolution '${conv.name}' has no constant weight`);
  return toNumber(w.dims[0]!);
}

/** Convolutions with no other convolution after them: the ones that emit raw predictions. */
function lastConvs(graph: GraphProto, idx: GraphIndex): NodeProto[] {
  const memo = new Map<string, boolean>();
  const reachesConv = (t: string): boolean => {
    const known = memo.get(t);
    if (known !== undefined) return known;
    memo.set(t, false);
    const r = (idx.consumers.get(t) ?? []).some((c) => c.opType === 'Conv' || (c.output ?? []).some(reachesConv));
    memo.set(t, r);
    return r;
  };
  return (graph.node ?? []).filter((n) => n.opType === 'Conv' && !reachesConv(n.output![0]!));
}

/** Where a head convolution's output goes: through elementwise activations to a Concat input or a Split. */
function destination(conv: NodeProto, idx: GraphIndex): { concat: NodeProto; index: number } | { split: NodeProto } | undefined {
  let t = conv.output![0]!;
  for (;;) {
    const users = idx.consumers.get(t) ?? [];
    if (users.length !== 1) return undefined;
    const u = users[0]!;
    if (u.opType === 'Concat') return { concat: u, index: u.input!.indexOf(t) };
    if (u.opType === 'Split') return u.input![0] === t ? { split: u } : undefined;
    if ((u.output ?? []).length !== 1 || (u.input ?? []).filter((i) => i && !idx.initializers.has(i)).length !== 1) return undefined;
    t = u.output![0]!;
  }
}

/** A Split's part sizes: its `split` attribute (opset < 13), its constant input, or equal parts. */
export function splitSizes(split: NodeProto, idx: GraphIndex, total: number): number[] {
  const attr = getIntsAttr(split, 'split');
  if (attr) return attr;
  const input = split.input?.[1] ? idx.initializers.get(split.input[1]) : undefined;
  if (split.input?.[1] && !input) throw new TrainError(`Split '${split.name}' takes its sizes from '${split.input[1]}', which is not a constant`);
  if (input) return tensorToNumbers(input);
  const parts = (split.output ?? []).length;
  return Array.from({ length: parts }, () => total / parts);
}

function channelAxis(concat: NodeProto): boolean {
  const a = getAttr(concat, 'axis');
  const axis = a ? toNumber(a.i ?? 0) : 0;
  return axis === 1 || axis === -3;
}

/**
 * The head's groups, one per level, segments in the family's row order, for a graph with
 * `numClasses` classes. Throws a TrainError naming what was found when the head does not match.
 */
export function findHeadGroups(graph: GraphProto, family: ModelFamily<unknown>, head: unknown, numClasses: number): HeadGroup[] {
  const idx = indexGraph(graph);
  const layout = headLayout(family, head, numClasses);
  const last = lastConvs(graph, idx);
  const matching = matchingGroups(last, idx, layout);
  if (matching.length) return matching;
  // YOLOv8 exports run the box distributions through a fixed DFL convolution after the head, so
  // the head's own convolutions are not last: then every convolution is a candidate, counted only
  // where it feeds a channel Concat or Split whose parts match the family's layout exactly.
  const anywhere = matchingGroups((graph.node ?? []).filter((n) => n.opType === 'Conv'), idx, layout);
  if (anywhere.length) return anywhere;
  const found = last.map((conv) => `${conv.name || conv.output![0]} (${outChannels(conv, idx)} channels)`);
  const want = layout.map(([role, size]) => `${role} ${size}`).join(' + ');
  throw new TrainError(
    `no ${family.name} head with ${numClasses} classes in the graph: expected per level ${want} channels, from convolutions joined by a Concat or cut by a Split. ` +
      `Last convolutions found: ${found.join(', ') || 'none'}`,
  );
}

/** The groups `convs` form through Concats and Splits whose parts match `layout`. */
function matchingGroups(convs: readonly NodeProto[], idx: GraphIndex, layout: [SegmentRole, number][]): HeadGroup[] {
  const groups: HeadGroup[] = [];
  const byConcat = new Map<NodeProto, { conv: NodeProto; index: number }[]>();
  for (const conv of convs) {
    const d = destination(conv, idx);
    if (!d) continue;
    if ('split' in d) {
      const sizes = splitSizes(d.split, idx, outChannels(conv, idx));
      let offset = 0;
      const parts = sizes.map((size) => {
        const part = { conv, offset, size };
        offset += size;
        return part;
      });
      groups.push({ split: d.split, segments: parts.map((p, i) => ({ ...p, role: layout[i]?.[0] ?? 'box' })) });
      continue;
    }
    if (!channelAxis(d.concat)) continue;
    const list = byConcat.get(d.concat) ?? [];
    list.push({ conv, index: d.index });
    byConcat.set(d.concat, list);
  }
  for (const list of byConcat.values()) {
    list.sort((a, b) => a.index - b.index);
    groups.push({ segments: list.map(({ conv }, i) => ({ conv, offset: 0, size: outChannels(conv, idx), role: layout[i]?.[0] ?? 'box' })) });
  }
  return groups.filter((g) => g.segments.length === layout.length && g.segments.every((s, i) => s.size === layout[i]![1]));
}
