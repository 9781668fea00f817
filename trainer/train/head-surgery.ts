/**
 * Head surgery: a pretrained detector's class channels replaced by the user's class list, box
 * regression (and objectness) kept. A new class that the pretrained model already knew by name
 * starts from that class's weights; any other starts from small random weights and a bias
 * giving a 1% score (the focal-loss prior of RetinaNet, which YOLOX and NanoDet use too), so
 * the first steps are not swamped by confident false positives.
 */
import type { ModelFamily } from '../../models/family.js';
import { createRandom } from '../augment/index.js';
import {
  attr,
  floatTensor,
  indexGraph,
  int64Tensor,
  setAttr,
  tensorToFloat32,
  tensorToNumbers,
  toNumber,
  type GraphIndex,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from '../onnx/index.js';
import { TrainError } from './errors.js';
import { findHeadGroups, headLayout, splitSizes, type HeadGroup } from './head-graph.js';

/** Class logit bias for a 1% starting score: −ln((1 − p) / p). */
export const PRIOR_BIAS = -Math.log((1 - 0.01) / 0.01);
/** Standard deviation of new class weights. */
const NEW_WEIGHT_STD = 0.01;

export interface SurgeryResult {
  /** New labels initialised from the pretrained class of the same name. */
  copied: string[];
  /** New labels initialised from scratch. */
  fresh: string[];
  /** Head groups of the new graph, one per level. */
  groups: HeadGroup[];
}

/** Channel counts a tensor carries before and after the surgery. */
interface Carried {
  from: number;
  to: number;
}

/**
 * Rewrites `graph` (in place) from `oldLabels` to `newLabels`: the class rows of every level's
 * head convolution, the Split sizes that cut them out, and the Reshape and Split constants after
 * them that spell out the class count. Output dims are left for the caller to set from a run.
 */
export function replaceClasses(graph: GraphProto, family: ModelFamily<unknown>, head: unknown, oldLabels: readonly string[], newLabels: readonly string[], seed: number): SurgeryResult {
  if (newLabels.length === 0) throw new TrainError('no classes to train: the class list is empty');
  const dup = newLabels.find((l, i) => newLabels.indexOf(l) !== i);
  if (dup !== undefined) throw new TrainError(`class '${dup}' is listed twice`);
  const c0 = oldLabels.length;
  const c = newLabels.length;
  const groups = findHeadGroups(graph, family, head, c0);
  const idx = indexGraph(graph);
  const sources = newLabels.map((l) => oldLabels.indexOf(l));
  const total0 = headLayout(family, head, c0).reduce((s, [, n]) => s + n, 0);
  const total = headLayout(family, head, c).reduce((s, [, n]) => s + n, 0);
  const rewritten = new Map<string, string>();
  const carrying = new Map<string, Carried>();

  groups.forEach((group, level) => {
    const cls = group.segments.find((s) => s.role === 'cls')!;
    replaceRows(graph, idx, cls.conv, cls.offset, c0, sources, createRandom(seed, level));
    if (group.split) {
      const clsIndex = group.segments.indexOf(cls);
      const sizes = splitSizes(group.split, idx, cls.offset + c0);
      sizes[clsIndex] = c;
      setConstInts(graph, idx, group.split, 'split', 1, sizes, rewritten);
      carrying.set(group.split.output![clsIndex]!, { from: c0, to: c });
    } else {
      carrying.set(cls.conv.output![0]!, { from: c0, to: c });
    }
  });
  const levelConcats = new Set(groups.flatMap((g) => (g.split ? [] : [levelConcat(g, idx)])).filter((n): n is NodeProto => n !== undefined));
  propagate(graph, idx, carrying, levelConcats, { from: total0, to: total }, { from: c0, to: c }, rewritten);
  graph.valueInfo = [];
  const copied = newLabels.filter((_, i) => sources[i]! >= 0);
  return { copied, fresh: newLabels.filter((_, i) => sources[i]! < 0), groups: findHeadGroups(graph, family, head, c) };
}

/** The Concat a concatenated group's segments meet in. */
function levelConcat(group: HeadGroup, idx: GraphIndex): NodeProto | undefined {
  let t = group.segments[0]!.conv.output![0]!;
  for (;;) {
    const u = (idx.consumers.get(t) ?? [])[0];
    if (!u) return undefined;
    if (u.opType === 'Concat') return u;
    t = u.output![0]!;
  }
}

/** Replaces rows [offset, offset + c0) of a convolution's weight and bias with one row per source. */
function replaceRows(graph: GraphProto, idx: GraphIndex, conv: NodeProto, offset: number, c0: number, sources: readonly number[], rnd: ReturnType<typeof createRandom>): void {
  const wT = idx.initializers.get(conv.input![1]!)!;
  const dims = (wT.dims ?? []).map((d) => toNumber(d));
  const k0 = dims[0]!;
  const rowSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const w = tensorToFloat32(wT);
  const bT = conv.input![2] ? idx.initializers.get(conv.input![2]) : undefined;
  if (conv.input![2] && !bT) throw new TrainError(`convolution '${conv.name}' reads its bias from '${conv.input![2]}', which is not a constant`);
  const b = bT ? tensorToFloat32(bT) : new Float32Array(k0);
  const k = k0 - c0 + sources.length;
  const nw = new Float32Array(k * rowSize);
  const nb = new Float32Array(k);
  const copyRow = (from: number, to: number) => {
    nw.set(w.subarray(from * rowSize, (from + 1) * rowSize), to * rowSize);
    nb[to] = b[from]!;
  };
  for (let r = 0; r < offset; r++) copyRow(r, r);
  sources.forEach((src, i) => {
    if (src >= 0) {
      copyRow(offset + src, offset + i);
      return;
    }
    for (let j = 0; j < rowSize; j++) nw[(offset + i) * rowSize + j] = gaussian(rnd) * NEW_WEIGHT_STD;
    nb[offset + i] = PRIOR_BIAS;
  });
  for (let r = offset + c0; r < k0; r++) copyRow(r, r - c0 + sources.length);
  const wName = wT.name!;
  const bName = bT?.name ?? `${wName}_bias`;
  putInitializer(graph, idx, floatTensor(nw, [k, ...dims.slice(1)], wName));
  putInitializer(graph, idx, floatTensor(nb, [k], bName));
  if (!bT) conv.input = [conv.input![0]!, conv.input![1]!, bName];
}

function putInitializer(graph: GraphProto, idx: GraphIndex, t: TensorProto): void {
  const list = (graph.initializer ??= []);
  const at = list.findIndex((x) => x.name === t.name);
  if (at >= 0) list[at] = t;
  else list.push(t);
  idx.initializers.set(t.name!, t);
}

/**
 * Sets an integer list a node reads from an attribute (opset < 13) or a constant input. A
 * constant shared with nodes the surgery does not touch is copied under a new name first.
 */
function setConstInts(graph: GraphProto, idx: GraphIndex, node: NodeProto, attrName: string, slot: number, values: readonly number[], rewritten: Map<string, string>): void {
  if (node.attribute?.some((a) => a.name === attrName)) {
    setAttr(node, { name: attrName, ...attr.ints(values) });
    return;
  }
  const old = node.input?.[slot];
  if (!old || !idx.initializers.has(old)) throw new TrainError(`${node.opType} '${node.name}' takes '${attrName}' from a computed tensor; cannot change its class count`);
  let name = rewritten.get(old);
  if (!name) {
    name = `${old}_classes${values.join('_')}`;
    rewritten.set(old, name);
    putInitializer(graph, idx, int64Tensor(values, [values.length], name));
  }
  node.input![slot] = name;
}

/**
 * Walks forward from the class channels and rewrites the constants that spell out their count:
 * a Reshape's target entries equal to the carried count, a Split's size equal to it (or to the
 * class count, when the Split separates classes from box channels further down).
 */
function propagate(graph: GraphProto, idx: GraphIndex, start: Map<string, Carried>, levelConcats: ReadonlySet<NodeProto>, levelTotal: Carried, classes: Carried, rewritten: Map<string, string>): void {
  const carried = new Map(start);
  const stack = [...start.keys()];
  const visited = new Set<NodeProto>();
  while (stack.length) {
    const t = stack.pop()!;
    const pair = carried.get(t)!;
    for (const node of idx.consumers.get(t) ?? []) {
      if (visited.has(node)) continue;
      visited.add(node);
      const outs = node.output ?? [];
      const mark = (name: string, p: Carried) => {
        if (carried.has(name)) return;
        carried.set(name, p);
        stack.push(name);
      };
      if (node.opType === 'Reshape') {
        const shapeT = idx.initializers.get(node.input![1]!);
        if (!shapeT) throw new TrainError(`Reshape '${node.name}' after the class channels takes a computed shape; cannot change its class count`);
        const shape = tensorToNumbers(shapeT);
        if (shape.includes(pair.from)) setConstInts(graph, idx, node, 'shape', 1, shape.map((d) => (d === pair.from ? pair.to : d)), rewritten);
        mark(outs[0]!, pair);
      } else if (node.opType === 'Split' && node.input![0] === t) {
        const sizes = splitSizes(node, idx, pair.from);
        const at = sizes.indexOf(pair.from) >= 0 ? sizes.indexOf(pair.from) : sizes.indexOf(classes.from);
        if (at < 0) throw new TrainError(`Split '${node.name}' after the class channels cuts [${sizes.join(', ')}], none of them the ${classes.from} classes`);
        const p = sizes[at] === pair.from ? pair : classes;
        sizes[at] = p.to;
        setConstInts(graph, idx, node, 'split', 1, sizes, rewritten);
        mark(outs[at]!, p);
      } else if (levelConcats.has(node)) {
        mark(outs[0]!, levelTotal);
      } else {
        for (const o of outs) mark(o, pair);
      }
    }
  }
}

/** A standard normal sample (Box–Muller) from a seeded stream. */
function gaussian(rnd: ReturnType<typeof createRandom>): number {
  const u = Math.max(rnd.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.next());
}
