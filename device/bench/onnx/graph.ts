/**
 * The structure of an ONNX model's main graph: node types, names, attributes and tensor shapes,
 * never the weights. protobufjs decodes it with a schema of just those fields of onnx.proto
 * (field numbers as there); the rest, raw weights included, is skipped unread. The full onnx-proto
 * package (23 MB) stays on the workstation; protobufjs alone is small enough for the Pi bundle.
 */
import protobuf from 'protobufjs';
import { ModelFileError } from '../../../models/errors.js';

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Integer and integer-list attributes (`group`, `transA`, `kernel_shape`…). */
  ints: Map<string, number[]>;
  /** Dims of a tensor attribute (a Constant's `value`). */
  tensorDims: Map<string, number[]>;
}

export interface OnnxGraphInfo {
  nodes: OnnxNode[];
  /** Initializer name → dims. */
  initializers: Map<string, number[]>;
  /** Graph input and output names (IR < 4 files list initializers among the inputs too). */
  inputs: string[];
  outputs: string[];
}

const SCHEMA = protobuf.Root.fromJSON({
  nested: {
    ModelProto: { fields: { graph: { type: 'GraphProto', id: 7 } } },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: 'repeated', type: 'string', id: 1 },
        output: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        opType: { type: 'string', id: 4 },
        attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
        domain: { type: 'string', id: 7 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: 'string', id: 1 },
        i: { type: 'int64', id: 3 },
        t: { type: 'TensorProto', id: 5 },
        ints: { rule: 'repeated', type: 'int64', id: 8 },
      },
    },
    TensorProto: { fields: { dims: { rule: 'repeated', type: 'int64', id: 1 }, name: { type: 'string', id: 8 } } },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 } } },
  },
});
const ModelProto = SCHEMA.lookupType('ModelProto');

interface Tensor {
  dims?: number[];
  name?: string;
}
interface Attribute {
  name?: string;
  i?: number;
  t?: Tensor;
  ints?: number[];
}
interface Node {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  attribute?: Attribute[];
  domain?: string;
}
interface Graph {
  node?: Node[];
  initializer?: Tensor[];
  input?: { name?: string }[];
  output?: { name?: string }[];
}

/** int64 fields as plain numbers (model dims and attributes are far below 2^53). */
const AS_NUMBERS = { longs: Number, defaults: false, arrays: true } as const;

function readNode(n: Node): OnnxNode {
  const node: OnnxNode = {
    name: n.name ?? '',
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    ints: new Map(),
    tensorDims: new Map(),
  };
  for (const a of n.attribute ?? []) {
    const values = [...(a.i !== undefined ? [a.i] : []), ...(a.ints ?? [])];
    if (values.length) node.ints.set(a.name ?? '', values);
    if (a.t) node.tensorDims.set(a.name ?? '', a.t.dims ?? []);
  }
  return node;
}

/** Nodes, initializer shapes, inputs and outputs of the model's main graph (subgraphs of If/Loop are not read). */
export function readOnnxGraph(model: Uint8Array, file: string): OnnxGraphInfo {
  let graph: Graph | undefined;
  try {
    graph = (ModelProto.toObject(ModelProto.decode(model), AS_NUMBERS) as { graph?: Graph }).graph;
  } catch (e) {
    throw new ModelFileError(file, `not an ONNX model (${(e as Error).message})`, { cause: e });
  }
  if (!graph) throw new ModelFileError(file, 'not an ONNX model (no graph)');
  return {
    nodes: (graph.node ?? []).map(readNode),
    initializers: new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t.dims ?? []])),
    inputs: (graph.input ?? []).map((v) => v.name ?? ''),
    outputs: (graph.output ?? []).map((v) => v.name ?? ''),
  };
}

/**
 * The model with more graph outputs (names of tensors computed inside the graph), so one run
 * reports their shapes. Protobuf merges a message that appears twice and appends repeated fields,
 * so a ModelProto holding only the extra outputs, appended to the file's bytes, adds them without
 * re-encoding the weights. The outputs carry a name only; onnxruntime infers their type, as it
 * does for its own calibration tools.
 */
export function withGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  const extra = ModelProto.encode(ModelProto.fromObject({ graph: { output: names.map((name) => ({ name })) } })).finish();
  const out = new Uint8Array(model.length + extra.length);
  out.set(model);
  out.set(extra, model.length);
  return out;
}
