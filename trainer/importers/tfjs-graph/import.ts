/**
 * TF.js graph model (model.json + weight shards) -> ONNX (opset 13).
 *
 * The image input becomes `images`, float32 NCHW 1x3xHxW, whatever layout the TF graph uses.
 * Shape subgraphs are folded for that fixed size, TF.js float16 / uint8 / uint16 weights are
 * decoded to float32, and NHWC<->NCHW transposes are avoided by the layout scheme in context.ts.
 * Outputs keep their TF shapes.
 */
import { DataType, GraphBuilder, attr, countOps, makeModel, encodeModel, fuseConvBias, fusePads, removeDeadNodes, renameTensor, type ModelProto } from '../../onnx/index.js';
import { ImportError, UnsupportedOpError } from '../errors.js';
import { attrShape, attrType } from './attrs.js';
import { ConvertContext, constant, onnxType, shapeOf, dtypeOf, type Value } from './context.js';
import { FOLDERS, tfDtype, type Folder } from './fold.js';
import { readTfjsGraphModel, type TfNode, type TfjsGraphModelFiles } from './model-json.js';
import { identity, NdArray } from './ndarray.js';
import { OP_HANDLERS, type OpHandler } from './ops/index.js';
import { decodeWeights } from './weights.js';

export interface TfjsImportOptions {
  /** Input [width, height] in pixels. Default: the graph's own fixed size; required when it has none. */
  inputSize?: [width: number, height: number];
  /** Name of the ONNX image input. Default 'images'. */
  inputName?: string;
  /** Layout of the TF graph's image input. Default: detected from its shape (channels of 1, 3 or 4). */
  inputLayout?: 'NHWC' | 'NCHW';
  /** ONNX output names, in the order of `outputs` in the result, or by TF output name. Default: TF names without ':0'. */
  outputNames?: readonly string[] | Readonly<Record<string, string>>;
  /** Text for the model's doc_string. */
  docString?: string;
}

export interface TensorDesc {
  name: string;
  shape: number[];
}

export interface TfjsImportResult {
  /** The serialised ONNX model. */
  onnx: Uint8Array;
  model: ModelProto;
  inputs: TensorDesc[];
  /** In natural order of their TF names (Identity, Identity_1, ..., Identity_10); `source` is the TF tensor. */
  outputs: (TensorDesc & { source: string })[];
  /** ONNX node counts by op type. */
  opCounts: Record<string, number>;
  /** TF node counts by op type (all nodes of model.json). */
  sourceOpCounts: Record<string, number>;
}

const SHAPE_OPS = new Set(['Shape', 'Size', 'Rank', 'ShapeN']);
const IGNORED_OPS = new Set(['NoOp']);

/** 'name:0' -> 'name'; 'name:1' stays; control inputs ('^name') are dropped by the caller. */
function tensorRef(ref: string): string {
  return ref.endsWith(':0') ? ref.slice(0, -2) : ref;
}

function nodeOf(ref: string): string {
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? m[1]! : ref;
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Nodes needed for `outputs`, inputs before users. */
function topoOrder(file: string, nodes: Map<string, TfNode>, outputs: readonly string[]): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 1 | 2>();
  for (const out of outputs) {
    const stack: [TfNode, number][] = [];
    const start = nodes.get(nodeOf(out));
    if (!start) throw new ImportError(file, `output '${out}' names no node of the graph`);
    if (state.get(start.name) === 2) continue;
    stack.push([start, 0]);
    state.set(start.name, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      const inputs = (node.input ?? []).filter((r) => !r.startsWith('^'));
      if (i < inputs.length) {
        top[1]++;
        const dep = nodes.get(nodeOf(inputs[i]!));
        if (!dep) throw new ImportError(file, `node '${node.name}' reads '${inputs[i]}', which is not in the graph`);
        const s = state.get(dep.name);
        if (s === 1) throw new ImportError(file, `the graph has a cycle through node '${dep.name}' (control flow is not supported)`);
        if (s === undefined) {
          state.set(dep.name, 1);
          stack.push([dep, 0]);
        }
      } else {
        state.set(node.name, 2);
        order.push(node);
        stack.pop();
      }
    }
  }
  return order;
}

function graphOutputs(files: TfjsGraphModelFiles, nodes: Map<string, TfNode>): string[] {
  const sig = files.json.signature?.outputs;
  if (sig && Object.keys(sig).length) return Object.values(sig).map((o) => tensorRef(o.name));
  const used = new Set<string>();
  for (const n of nodes.values()) for (const r of n.input ?? []) used.add(nodeOf(r.replace(/^\^/, '')));
  return [...nodes.values()].filter((n) => !used.has(n.name) && n.op !== 'Const' && !IGNORED_OPS.has(n.op)).map((n) => n.name);
}

function detectLayout(shape: readonly number[]): 'NHWC' | 'NCHW' {
  const isC = (d: number | undefined) => d === 1 || d === 3 || d === 4;
  if (isC(shape[1]) && !isC(shape[3])) return 'NCHW';
  return 'NHWC';
}

/** Imports a TF.js graph model (path to model.json) to ONNX. */
export async function importTfjsGraphModel(modelJsonPath: string, opts: TfjsImportOptions = {}): Promise<TfjsImportResult> {
  return convertTfjsGraphModel(await readTfjsGraphModel(modelJsonPath), opts);
}

/** The conversion itself, on files already read. */
export function convertTfjsGraphModel(files: TfjsGraphModelFiles, opts: TfjsImportOptions = {}): TfjsImportResult {
  const file = files.file;
  const { weights } = decodeWeights(files.weightSpecs, files.weightData, file);
  const nodes = new Map<string, TfNode>();
  const sourceOpCounts: Record<string, number> = {};
  for (const n of files.json.modelTopology.node) {
    if (nodes.has(n.name)) throw new ImportError(file, `two nodes are named '${n.name}'`);
    nodes.set(n.name, n);
    sourceOpCounts[n.op] = (sourceOpCounts[n.op] ?? 0) + 1;
  }

  const outRefs = graphOutputs(files, nodes).sort(naturalCompare);
  if (outRefs.length === 0) throw new ImportError(file, 'the graph has no outputs');
  const outNames = outRefs.map((ref, i) => {
    const o = opts.outputNames;
    const given = Array.isArray(o) ? o[i] : o ? (o as Record<string, string>)[ref] ?? (o as Record<string, string>)[`${ref}:0`] : undefined;
    return given ?? ref.replace(/:/g, '_');
  });
  if (new Set(outNames).size !== outNames.length) throw new ImportError(file, `output names are not unique: ${outNames.join(', ')}`);

  const b = new GraphBuilder('tfjs_graph');
  for (const n of outNames) b.reserve(n);
  const ctx = new ConvertContext(file, b);
  const values = new Map<string, Value>();
  const inputs: TensorDesc[] = [];
  let imageInputDone = false;
  let sizeHint = '';

  const placeholder = (node: TfNode): Value => {
    const sigInput = Object.values(files.json.signature?.inputs ?? {}).find((i) => nodeOf(i.name) === node.name);
    const sigShape = sigInput?.tensorShape?.dim?.map((d) => Number(d.size ?? -1));
    const shape = attrShape(node, 'shape') ?? sigShape;
    const dtype = tfDtype(attrType(node, 'dtype') ?? sigInput?.dtype);
    if (!shape) throw new ImportError(file, `input '${node.name}' has no known rank`);
    if (shape.length === 4 && !imageInputDone) {
      imageInputDone = true;
      const layout = opts.inputLayout ?? detectLayout(shape);
      const [n, c, h, w] = layout === 'NCHW' ? shape : [shape[0]!, shape[3]!, shape[1]!, shape[2]!];
      const height = opts.inputSize?.[1] ?? h!;
      const width = opts.inputSize?.[0] ?? w!;
      if (h! > 0 && w! > 0 && (height !== h || width !== w)) {
        sizeHint = ` (the graph declares a ${w}x${h} input; it may only work at that size)`;
      }
      if (height <= 0 || width <= 0) throw new ImportError(file, `input '${node.name}' has open height/width ([${shape.join(', ')}]); pass inputSize`);
      const dims = [n! > 0 ? n! : 1, c! > 0 ? c! : 3, height, width];
      const name = b.addInput(opts.inputName ?? 'images', DataType.FLOAT, dims);
      inputs.push({ name, shape: dims });
      let onnxName = name;
      if (dtype !== 'float32') onnxName = ctx.emit1('Cast', [name], { to: attr.int(onnxType(dtype)) }, `${name}/cast`);
      return layout === 'NCHW' ? ctx.dyn(onnxName, dims, dtype) : ctx.dyn(onnxName, [dims[0]!, height, width, dims[1]!], dtype, [0, 3, 1, 2]);
    }
    const dims = shape.map((d, i) => (d > 0 ? d : i === 0 ? 1 : -1));
    if (dims.some((d) => d < 0)) throw new ImportError(file, `input '${node.name}' has open dims [${shape.join(', ')}]; only the image input's size can be set`);
    const name = b.addInput(b.uniqueName(node.name), onnxType(dtype), dims);
    inputs.push({ name, shape: dims });
    return ctx.dyn(name, dims, dtype);
  };

  for (const node of topoOrder(file, nodes, outRefs)) {
    ctx.node = node;
    const ins = (node.input ?? [])
      .filter((r) => !r.startsWith('^'))
      .map((r) => {
        const v = values.get(tensorRef(r));
        if (!v) throw new ImportError(file, `node '${node.name}' (${node.op}) reads '${r}', which has no value (an output its producer does not have)`);
        return v;
      });
    let outs: Value[];
    try {
      outs = convertNode(ctx, node, ins, weights, placeholder);
    } catch (err) {
      if (err instanceof ImportError) throw err;
      throw new ImportError(file, `node '${node.name}' (${node.op}): ${(err as Error).message}${sizeHint}`, { cause: err });
    }
    outs.forEach((v, i) => values.set(i === 0 ? node.name : `${node.name}:${i}`, v));
  }

  // Outputs, in TF order, under their ONNX names.
  const outputs: TfjsImportResult['outputs'] = [];
  const graphInputNames = new Set(inputs.map((i) => i.name));
  const claimed = new Set<string>();
  const renames: [string, string][] = [];
  outRefs.forEach((ref, i) => {
    const v = values.get(ref)!;
    ctx.node = nodes.get(nodeOf(ref))!;
    const name = outNames[i]!;
    const src = ctx.materialize(v, identity(shapeOf(v).length));
    const produced = b.nodes.some((n) => n.output?.includes(src));
    if (produced && !graphInputNames.has(src) && !claimed.has(src)) {
      claimed.add(src);
      renames.push([src, name]);
    } else {
      b.addNode('Identity', [src], { outputs: [name], name: `${name}/identity` });
    }
    b.addOutput(name, onnxType(dtypeOf(v)), shapeOf(v));
    outputs.push({ name, shape: shapeOf(v), source: ref });
  });
  const graph = b.graph();
  for (const [from, to] of renames) renameTensor(graph, from, to);
  removeDeadNodes(graph);
  fusePads(graph);
  fuseConvBias(graph);

  const model = makeModel(graph, { opset: 13, producerName: 'argus tfjs-graph importer', docString: opts.docString ?? `imported from ${file}` });
  return { onnx: encodeModel(model), model, inputs, outputs, opCounts: countOps(graph), sourceOpCounts };
}

function convertNode(ctx: ConvertContext, node: TfNode, ins: Value[], weights: Map<string, NdArray>, placeholder: (n: TfNode) => Value): Value[] {
  const file = ctx.file;
  if (node.op === 'Const') {
    const w = weights.get(node.name);
    if (!w) throw new ImportError(file, `Const node '${node.name}' has no weights in the weights manifest`);
    return [constant(w)];
  }
  if (node.op === 'Placeholder') return [placeholder(node)];
  if (IGNORED_OPS.has(node.op)) return [];
  const folder: Folder | undefined = Object.hasOwn(FOLDERS, node.op) ? FOLDERS[node.op] : undefined;
  if (folder && ins.every((v) => v.kind === 'const')) {
    return folder(node, ins.map((v) => (v as { tensor: NdArray }).tensor)).map(constant);
  }
  if (SHAPE_OPS.has(node.op)) {
    // shapes are static: Shape of a computed tensor is a constant too
    const shapes = ins.map(shapeOf);
    if (node.op === 'ShapeN') return shapes.map((s) => constant(NdArray.vector(s)));
    const s = shapes[0]!;
    if (node.op === 'Shape') return [constant(NdArray.vector(s))];
    if (node.op === 'Rank') return [constant(NdArray.scalar(s.length, 'int32'))];
    return [constant(NdArray.scalar(s.reduce((p, d) => p * d, 1), 'int32'))];
  }
  const handler: OpHandler | undefined = Object.hasOwn(OP_HANDLERS, node.op) ? OP_HANDLERS[node.op] : undefined;
  if (handler) return handler(ctx, node, ins);
  if (folder) {
    throw new UnsupportedOpError(file, node.op, node.name, 'supported only on constant inputs (shape computations), but here an input is computed from the model input');
  }
  throw new UnsupportedOpError(file, node.op, node.name, `the importer has no conversion for this op (supported: ${supportedOps().join(', ')})`);
}

/** Every TF op name the importer handles on computed tensors (plus Const and Placeholder). */
export function supportedOps(): string[] {
  return [...new Set([...Object.keys(OP_HANDLERS), 'Const', 'Placeholder', ...SHAPE_OPS])].sort();
}
