/**
 * Compiles an ONNX graph for the executor: orders the nodes, checks every op before anything
 * runs (collecting every unsupported node into one error), folds what depends only on constants,
 * and decides which initializers become variables and in which storage order.
 */
import { toNumber, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx/index.js';
import { describeNode } from './attrs.js';
import { GraphError, OpCheckError, UnsupportedOpsError, type UnsupportedNode } from './errors.js';
import { hostFromTensor } from './host.js';
import { identity, samePerm } from './layout.js';
import { OPS, type OpSpec } from './ops/index.js';
import type { HostValue } from './value.js';

/** A node left to run: on host values (shape chains fed by tensor shapes) or on TF.js. */
export interface PlannedNode {
  node: NodeProto;
  spec: OpSpec;
  mode: 'host' | 'tensor';
}

export type VariableRole = 'weight' | 'statistic' | 'constant';

/** An initializer read by TF.js ops: its role decides whether it trains. */
export interface VariableSpec {
  tensor: TensorProto;
  role: VariableRole;
  /** Storage order (see layout.ts): HWIO for conv filters. */
  perm: number[];
}

export interface GraphInput {
  name: string;
  /** Declared dims; undefined where symbolic. */
  dims: (number | undefined)[];
}

export interface Plan {
  opset: number;
  inputs: GraphInput[];
  outputs: string[];
  nodes: PlannedNode[];
  /** Values known before running: small initializers and everything folded from them. */
  constants: Map<string, HostValue>;
  variables: Map<string, VariableSpec>;
}

type Kind = 'static' | 'host' | 'tensor';

export function defaultOpset(model: ModelProto): number {
  const imp = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return imp ? toNumber(imp.version) : 1;
}

export function compilePlan(model: ModelProto): Plan {
  const graph = model.graph as GraphProto;
  const opset = defaultOpset(model);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const inputs: GraphInput[] = (graph.input ?? [])
    .filter((i) => !inits.has(i.name ?? ''))
    .map((i) => ({ name: i.name ?? '', dims: (i.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? toNumber(d.dimValue) : undefined)) }));
  const kinds = new Map<string, Kind>();
  for (const name of inits.keys()) kinds.set(name, 'static');
  for (const i of inputs) kinds.set(i.name, 'tensor');

  const constants = new Map<string, HostValue>();
  const staticValue = (name: string): HostValue => {
    let v = constants.get(name);
    if (!v) {
      v = hostFromTensor(inits.get(name)!);
      constants.set(name, v);
    }
    return v;
  };
  const unsupported: UnsupportedNode[] = [];
  const nodes: PlannedNode[] = [];
  const uses = new Map<string, { spec: OpSpec; slot: number; rank: number }[]>();

  for (const node of topoSort(graph, kinds)) {
    const op = node.opType ?? '';
    const name = node.name || node.output?.[0] || '?';
    const fail = (reason: string) => {
      unsupported.push({ op, node: name, reason });
      for (const o of node.output ?? []) if (o) kinds.set(o, 'tensor');
    };
    const spec = node.domain && node.domain !== 'ai.onnx' ? undefined : OPS.get(op);
    if (!spec) {
      fail(node.domain && node.domain !== 'ai.onnx' ? `domain '${node.domain}' is not supported` : 'the executor has no implementation of this op');
      continue;
    }
    try {
      spec.check?.(node, opset);
    } catch (e) {
      if (!(e instanceof OpCheckError)) throw e;
      fail(e.message);
      continue;
    }
    const ins = node.input ?? [];
    const inKinds = ins.map((i) => (i ? kinds.get(i) : undefined));
    const present = inKinds.filter((_k, i) => ins[i]);
    const allStatic = present.every((k) => k === 'static');
    const allHost = present.every((k) => k === 'static' || k === 'host');
    if (allHost && spec.host) {
      if (allStatic) {
        try {
          const outs = spec.host(ins.map((i) => (i ? staticValue(i) : undefined)), node, opset);
          (node.output ?? []).forEach((o, k) => {
            kinds.set(o, 'static');
            constants.set(o, outs[k]!);
          });
        } catch (e) {
          fail((e as Error).message);
        }
        continue;
      }
      nodes.push({ node, spec, mode: 'host' });
      for (const o of node.output ?? []) kinds.set(o, 'host');
      continue;
    }
    if (!spec.run) {
      fail('only supported on constants and shape values, not on tensors computed by the graph');
      continue;
    }
    const nonHostStatic = (spec.staticInputs ?? []).filter((slot) => ins[slot] && inKinds[slot] === 'tensor');
    if (nonHostStatic.length) {
      fail(`input ${nonHostStatic.join(', ')} must be a constant or computed from shapes, not from tensor values`);
      continue;
    }
    nodes.push({ node, spec, mode: 'tensor' });
    for (const o of node.output ?? []) kinds.set(o, spec.shapeOnly ? 'host' : 'tensor');
    ins.forEach((i, slot) => {
      if (!i || !inits.has(i) || spec.staticInputs?.includes(slot)) return;
      const list = uses.get(i) ?? [];
      list.push({ spec, slot, rank: (inits.get(i)!.dims ?? []).length });
      uses.set(i, list);
    });
  }
  if (unsupported.length) throw new UnsupportedOpsError(unsupported);

  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  for (const o of outputs) if (!kinds.has(o)) throw new GraphError(`graph output '${o}' is produced by no node`);
  const variables = variableSpecs(uses, inits);
  for (const { node, spec } of nodes) {
    (node.input ?? []).forEach((i, slot) => {
      if (i && inits.has(i) && (!variables.has(i) || spec.staticInputs?.includes(slot))) staticValue(i);
    });
  }
  return { opset, inputs, outputs, nodes, constants, variables };
}

/** Float initializers read by TF.js ops become variables; others stay host constants. */
function variableSpecs(uses: Map<string, { spec: OpSpec; slot: number; rank: number }[]>, inits: Map<string, TensorProto>): Map<string, VariableSpec> {
  const out = new Map<string, VariableSpec>();
  for (const [name, list] of uses) {
    const tensor = inits.get(name)!;
    if (tensor.dataType !== 1) continue;
    const role: VariableRole = list.some((u) => u.spec.weightInputs?.includes(u.slot)) ? 'weight' : list.some((u) => u.spec.statInputs?.includes(u.slot)) ? 'statistic' : 'constant';
    const perms = list.map((u) => u.spec.weightPerm?.(u.slot, u.rank) ?? identity(u.rank));
    const perm = perms.every((p) => samePerm(p, perms[0]!)) ? perms[0]! : identity(list[0]!.rank);
    out.set(name, { tensor, role, perm: [...perm] });
  }
  return out;
}

/** Nodes in an order where every input is produced first (ONNX requires it; some exporters slip). */
function topoSort(graph: GraphProto, known: ReadonlyMap<string, unknown>): NodeProto[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) if (o) producer.set(o, n);
  const done = new Set<NodeProto>();
  const visiting = new Set<NodeProto>();
  const order: NodeProto[] = [];
  const visit = (n: NodeProto) => {
    if (done.has(n)) return;
    if (visiting.has(n)) throw new GraphError(`${describeNode(n)} is part of a cycle`);
    visiting.add(n);
    for (const i of n.input ?? []) {
      if (!i || known.has(i)) continue;
      const p = producer.get(i);
      if (!p) throw new GraphError(`${describeNode(n)} reads '${i}', which no node, input or initializer provides`);
      visit(p);
    }
    visiting.delete(n);
    done.add(n);
    order.push(n);
  };
  for (const n of nodes) visit(n);
  return order;
}
