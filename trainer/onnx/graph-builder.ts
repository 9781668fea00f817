/**
 * A small builder for ONNX graphs: unique names, inputs/outputs, initializers, nodes with typed
 * attributes, and the final ModelProto.
 */
import { DataType, type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.js';
import { floatTensor, int64Tensor } from './tensor.js';

type AttrValue = Omit<AttributeProto, 'name'>;

/** Typed attribute values; plain JS numbers cannot say whether they are INT or FLOAT. */
export const attr = {
  int: (i: number): AttrValue => ({ type: 2, i }),
  float: (f: number): AttrValue => ({ type: 1, f }),
  string: (s: string): AttrValue => ({ type: 3, s: new TextEncoder().encode(s) }),
  tensor: (t: TensorProto): AttrValue => ({ type: 4, t }),
  floats: (floats: readonly number[]): AttrValue => ({ type: 6, floats: [...floats] }),
  ints: (ints: readonly number[]): AttrValue => ({ type: 7, ints: [...ints] }),
} as const;

export type Attrs = Record<string, AttrValue>;

/** A tensor type for graph inputs and outputs: element type and dims (a string is a symbolic dim). */
export function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface NodeOptions {
  /** Output names, or how many outputs to name automatically (default 1). */
  outputs?: number | string[];
  attrs?: Attrs;
  /** Node name; defaults to a unique name made from the op type. */
  name?: string;
  domain?: string;
}

export interface ModelOptions {
  /** Default opset version of the ai.onnx domain: 13. */
  opset?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/** IR version that goes with each opset (ONNX versioning table). */
function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  return 9;
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  /** Tensor names (inputs, initializers, node outputs) and node names are separate namespaces. */
  private readonly used = new Set<string>();
  private readonly nodeNames = new Set<string>();

  constructor(readonly name = 'argus') {}

  /**
   * A builder over an existing graph (for rewriting passes): adopts its nodes, initializers,
   * inputs and outputs, and reserves all their names. `graph()` then returns the edited graph.
   */
  static from(graph: GraphProto): GraphBuilder {
    const b = new GraphBuilder(graph.name ?? 'argus');
    b.nodes.push(...(graph.node ?? []));
    b.initializers.push(...(graph.initializer ?? []));
    b.inputs.push(...(graph.input ?? []));
    b.outputs.push(...(graph.output ?? []));
    for (const v of [...b.inputs, ...b.outputs, ...(graph.valueInfo ?? [])]) if (v.name) b.used.add(v.name);
    for (const t of b.initializers) if (t.name) b.used.add(t.name);
    for (const n of b.nodes) {
      for (const o of n.output ?? []) b.used.add(o);
      if (n.name) b.nodeNames.add(n.name);
    }
    return b;
  }

  /** A tensor name: `base` if unused, else `base_1`, `base_2`, ...; the name is then taken. */
  uniqueName(base: string): string {
    return takeName(this.used, base);
  }

  /** Marks a tensor name as taken (for names that come from elsewhere). */
  reserve(name: string): void {
    this.used.add(name);
  }

  addInput(name: string, elemType: number, dims: readonly (number | string)[]): string {
    this.reserve(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  addOutput(name: string, elemType: number, dims: readonly (number | string)[]): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Adds an initializer under a unique name made from `base`; returns that name. */
  addInitializer(base: string, tensor: TensorProto): string {
    const name = this.uniqueName(base);
    this.initializers.push({ ...tensor, name });
    return name;
  }

  floatConst(base: string, data: Float32Array | readonly number[], dims?: readonly number[]): string {
    return this.addInitializer(base, floatTensor(data, dims));
  }

  int64Const(base: string, values: readonly number[], dims?: readonly number[]): string {
    return this.addInitializer(base, int64Tensor(values, dims));
  }

  /** Adds a node and returns its output names. An empty string input is an omitted optional input. */
  addNode(opType: string, inputs: readonly string[], opts: NodeOptions = {}): string[] {
    const name = takeName(this.nodeNames, opts.name ?? opType);
    const outs = opts.outputs ?? 1;
    const outputs = typeof outs === 'number' ? Array.from({ length: outs }, (_, i) => this.uniqueName(outs === 1 ? name : `${name}:${i}`)) : outs.map((o) => (this.reserve(o), o));
    const node: NodeProto = { opType, name, input: [...inputs], output: outputs };
    if (opts.domain) node.domain = opts.domain;
    if (opts.attrs) node.attribute = Object.entries(opts.attrs).map(([k, v]) => ({ name: k, ...v }));
    this.nodes.push(node);
    return outputs;
  }

  /** addNode for the common one-output case. */
  add1(opType: string, inputs: readonly string[], opts: Omit<NodeOptions, 'outputs'> & { output?: string } = {}): string {
    const { output, ...rest } = opts;
    return this.addNode(opType, inputs, { ...rest, outputs: output !== undefined ? [output] : 1 })[0]!;
  }

  graph(): GraphProto {
    return { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  model(opts: ModelOptions = {}): ModelProto {
    return makeModel(this.graph(), opts);
  }
}

function takeName(used: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

/** Wraps a graph into a ModelProto with an opset import and the matching IR version. */
export function makeModel(graph: GraphProto, opts: ModelOptions = {}): ModelProto {
  const opset = opts.opset ?? 13;
  const model: ModelProto = {
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: opts.producerName ?? 'argus',
    graph,
  };
  if (opts.producerVersion) model.producerVersion = opts.producerVersion;
  if (opts.docString) model.docString = opts.docString;
  if (opts.metadata) model.metadataProps = Object.entries(opts.metadata).map(([key, value]) => ({ key, value }));
  return model;
}

export { DataType };
