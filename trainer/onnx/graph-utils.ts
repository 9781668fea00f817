/**
 * Generic rewrites on ONNX graphs (in place): dead-node removal, tensor renaming, and the
 * fusions (Pad into Conv / MaxPool pads, a following bias Add into Conv's bias) that keep imported
 * graphs small for onnxruntime and for the int8 quantizer.
 */
import { toNumber, DataType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto } from './proto.js';
import { floatTensor, readTensor, tensorToFloat32, tensorToNumbers } from './tensor.js';

/** Producer and consumers of every tensor name in a graph. */
export interface GraphIndex {
  producer: Map<string, NodeProto>;
  consumers: Map<string, NodeProto[]>;
  initializers: Map<string, TensorProto>;
  outputs: Set<string>;
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const producer = new Map<string, NodeProto>();
  const consumers = new Map<string, NodeProto[]>();
  for (const node of graph.node ?? []) {
    for (const o of node.output ?? []) producer.set(o, node);
    for (const i of node.input ?? []) {
      if (!i) continue;
      const list = consumers.get(i);
      if (list) list.push(node);
      else consumers.set(i, [node]);
    }
  }
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  return { producer, consumers, initializers, outputs };
}

export function getAttr(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function getIntsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = getAttr(node, name);
  return a ? (a.ints ?? []).map((v) => toNumber(v)) : undefined;
}

export function setAttr(node: NodeProto, value: AttributeProto): void {
  const list = (node.attribute ??= []);
  const i = list.findIndex((a) => a.name === value.name);
  if (i >= 0) list[i] = value;
  else list.push(value);
}

/** Renames a tensor everywhere: node inputs and outputs, graph inputs/outputs, initializers. */
export function renameTensor(graph: GraphProto, from: string, to: string): void {
  for (const node of graph.node ?? []) {
    if (node.input) node.input = node.input.map((n) => (n === from ? to : n));
    if (node.output) node.output = node.output.map((n) => (n === from ? to : n));
  }
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) if (v.name === from) v.name = to;
  for (const t of graph.initializer ?? []) if (t.name === from) t.name = to;
}

/** Drops nodes whose outputs reach no graph output, then initializers nothing reads. */
export function removeDeadNodes(graph: GraphProto): number {
  const nodes = graph.node ?? [];
  const needed = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const keep: NodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if ((node.output ?? []).some((o) => needed.has(o))) {
      keep.push(node);
      for (const inp of node.input ?? []) if (inp) needed.add(inp);
    }
  }
  keep.reverse();
  const removed = nodes.length - keep.length;
  graph.node = keep;
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  return removed;
}

function scalarValue(t: TensorProto | undefined): number | undefined {
  if (!t) return undefined;
  const v = readTensor(t);
  return v.data.length === 1 ? Number(v.data[0]) : undefined;
}

/**
 * Folds a constant Pad of the two spatial axes of an NCHW tensor into the ops that read it:
 * into Conv pads when the pad value is 0, into MaxPool pads when it is -Infinity (MaxPool never
 * picks a padded cell). Only when all readers can take it. Returns how many Pads went away.
 */
export function fusePads(graph: GraphProto): number {
  const idx = indexGraph(graph);
  let fused = 0;
  for (const pad of graph.node ?? []) {
    if (pad.opType !== 'Pad') continue;
    const mode = getAttr(pad, 'mode');
    if (mode && new TextDecoder().decode(mode.s ?? new Uint8Array()) !== 'constant') continue;
    const [, padsName, valueName] = pad.input ?? [];
    const padsT = idx.initializers.get(padsName ?? '');
    if (!padsT) continue;
    const value = valueName ? scalarValue(idx.initializers.get(valueName)) : 0;
    const readerOp = value === 0 ? 'Conv' : value === -Infinity ? 'MaxPool' : undefined;
    if (!readerOp) continue;
    const pads = tensorToNumbers(padsT);
    if (pads.length !== 8 || pads.some((p) => p < 0)) continue;
    if (pads[0] || pads[1] || pads[4] || pads[5]) continue;
    const out = pad.output![0]!;
    const users = idx.consumers.get(out) ?? [];
    if (users.length === 0 || idx.outputs.has(out)) continue;
    const ok = (u: NodeProto) => u.opType === readerOp && u.input![0] === out && !getAttr(u, 'auto_pad') && (readerOp === 'Conv' || !getAttr(u, 'dilations'));
    if (!users.every(ok)) continue;
    for (const user of users) {
      const cur = getIntsAttr(user, 'pads') ?? [0, 0, 0, 0];
      const next = [cur[0]! + pads[2]!, cur[1]! + pads[3]!, cur[2]! + pads[6]!, cur[3]! + pads[7]!];
      setAttr(user, { name: 'pads', type: 7, ints: next });
      user.input![0] = pad.input![0]!;
    }
    fused++;
  }
  if (fused) removeDeadNodes(graph);
  return fused;
}

/**
 * Folds `Add(Conv(x), B)` into the Conv's bias when B is a constant per-channel vector
 * (dims [1,C,1,1] or [C,1,1]) or a scalar, and the Conv output has no other reader.
 */
export function fuseConvBias(graph: GraphProto): number {
  const idx = indexGraph(graph);
  const dead = new Set<NodeProto>();
  let fused = 0;
  for (const conv of graph.node ?? []) {
    if (conv.opType !== 'Conv') continue;
    const out = conv.output![0]!;
    const users = idx.consumers.get(out) ?? [];
    if (users.length !== 1 || idx.outputs.has(out)) continue;
    const add = users[0]!;
    if (add.opType !== 'Add') continue;
    const other = add.input![0] === out ? add.input![1] : add.input![0];
    const b = idx.initializers.get(other ?? '');
    const w = idx.initializers.get(conv.input![1] ?? '');
    if (!b || !w || b.dataType !== DataType.FLOAT) continue;
    const channels = toNumber(w.dims![0]);
    const dims = (b.dims ?? []).map((d) => toNumber(d));
    const perChannel = (dims.length === 4 && dims[0] === 1 && dims[1] === channels && dims[2] === 1 && dims[3] === 1) || (dims.length === 3 && dims[0] === channels && dims[1] === 1 && dims[2] === 1);
    const scalar = dims.every((d) => d === 1) && dims.length <= 4;
    if (!perChannel && !scalar) continue;
    const addValues = tensorToFloat32(b);
    const oldBias = conv.input![2] ? idx.initializers.get(conv.input![2]) : undefined;
    if (conv.input![2] && !oldBias) continue;
    const bias = oldBias ? tensorToFloat32(oldBias) : new Float32Array(channels);
    for (let c = 0; c < channels; c++) bias[c] = bias[c]! + addValues[perChannel ? c : 0]!;
    const biasName = `${conv.name ?? out}_bias`;
    graph.initializer!.push(floatTensor(bias, [channels], uniqueInit(idx, biasName)));
    conv.input = [conv.input![0]!, conv.input![1]!, graph.initializer![graph.initializer!.length - 1]!.name!];
    conv.output = [add.output![0]!];
    dead.add(add);
    fused++;
  }
  if (fused) {
    graph.node = (graph.node ?? []).filter((n) => !dead.has(n));
    removeDeadNodes(graph);
  }
  return fused;
}

function uniqueInit(idx: GraphIndex, base: string): string {
  let name = base;
  for (let i = 1; idx.initializers.has(name) || idx.producer.has(name); i++) name = `${base}_${i}`;
  idx.initializers.set(name, {});
  return name;
}

/**
 * Puts nodes in topological order (ONNX requires it), keeping the existing order where it is
 * already valid. Throws on a cycle or on an input nothing defines.
 */
export function sortTopologically(graph: GraphProto): void {
  const nodes = graph.node ?? [];
  const defined = new Set<string>(['', ...(graph.input ?? []).map((i) => i.name ?? ''), ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  const idx = indexGraph(graph);
  const waiting = new Map<NodeProto, number>();
  const ready: NodeProto[] = [];
  for (const n of nodes) {
    const missing = new Set((n.input ?? []).filter((i) => !defined.has(i)));
    for (const i of missing) if (!idx.producer.has(i)) throw new Error(`node '${n.name}' reads '${i}', which no node, input or initializer defines`);
    if (missing.size === 0) ready.push(n);
    else waiting.set(n, missing.size);
  }
  const order: NodeProto[] = [];
  const position = new Map(nodes.map((n, i) => [n, i]));
  while (ready.length) {
    ready.sort((a, b) => position.get(b)! - position.get(a)!); // pop the earliest
    const n = ready.pop()!;
    order.push(n);
    for (const o of n.output ?? []) {
      if (defined.has(o)) continue;
      defined.add(o);
      for (const user of new Set(idx.consumers.get(o) ?? [])) {
        const left = waiting.get(user);
        if (left === undefined) continue;
        const count = (user.input ?? []).filter((i) => i === o).length > 0 ? 1 : 0;
        if (left - count === 0) {
          waiting.delete(user);
          ready.push(user);
        } else waiting.set(user, left - count);
      }
    }
  }
  if (waiting.size) throw new Error(`the graph has a cycle through node '${[...waiting.keys()][0]!.name}'`);
  graph.node = order;
}

/** Node counts by op type, sorted by op type. */
export function countOps(graph: GraphProto): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of graph.node ?? []) counts[n.opType ?? '?'] = (counts[n.opType ?? '?'] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
