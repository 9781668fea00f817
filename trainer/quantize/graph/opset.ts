/**
 * Raises a model's ai.onnx opset to 13, the first opset whose QuantizeLinear/DequantizeLinear take
 * an `axis` (per-channel weights). Only the ops whose meaning changed between opsets 11 and 13 are
 * rewritten; older opsets are refused because Resize and Upsample changed in ways that need more.
 */
import { attr, getAttr, int64Tensor, toNumber, type ModelProto, type NodeProto, type TensorProto } from '../../onnx/index.js';
import { QuantizeError } from '../errors.js';

export const QDQ_OPSET = 13;
const OLDEST_SUPPORTED = 11;

/** Attributes that opset 13 turned into int64 inputs, by op type: attribute name and its input slot. */
const ATTR_TO_INPUT: Record<string, { attr: string; slot: number }> = {
  Split: { attr: 'split', slot: 1 },
  Squeeze: { attr: 'axes', slot: 1 },
  Unsqueeze: { attr: 'axes', slot: 1 },
  ReduceSum: { attr: 'axes', slot: 1 },
};

/** Ops that flatten the input to 2-D at `axis` before opset 13 and work on one axis from 13 on. */
const COERCING_SOFTMAX = new Set(['Softmax', 'LogSoftmax', 'Hardmax']);

type Unique = (base: string) => string;

function onnxDomainEntry(model: ModelProto) {
  return (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
}

/** The model's ai.onnx opset version. */
export function onnxOpset(model: ModelProto): number {
  const entry = onnxDomainEntry(model);
  return entry ? toNumber(entry.version) : 1;
}

/**
 * Rewrites `model` in place to opset 13 when it is older; returns the opset it had.
 * `file` only names the model in errors.
 */
export function upgradeToOpset13(model: ModelProto, file: string): number {
  const from = onnxOpset(model);
  if (from >= QDQ_OPSET) return from;
  if (from < OLDEST_SUPPORTED) {
    throw new QuantizeError(`${file}: opset ${from} is too old to quantize (need ${OLDEST_SUPPORTED} or later): export the model again with opset ${QDQ_OPSET}`);
  }
  const graph = model.graph!;
  const initializers = (graph.initializer ??= []);
  const taken = new Set([...initializers.map((t) => t.name ?? ''), ...(graph.node ?? []).flatMap((n) => n.output ?? [])]);
  const unique: Unique = (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const nodes: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    const op = node.opType ?? '';
    const moved = ATTR_TO_INPUT[op];
    if (moved) moveAttrToInput(node, moved.attr, moved.slot, initializers, unique);
    if (COERCING_SOFTMAX.has(op)) {
      const { before, after } = keepCoercion(node, unique);
      nodes.push(...before, node, ...after);
    } else {
      nodes.push(node);
    }
  }
  graph.node = nodes;
  onnxDomainEntry(model)!.version = QDQ_OPSET;
  // IR version 7 is the one that goes with opset 13.
  if (toNumber(model.irVersion) < 7) model.irVersion = 7;
  return from;
}

function moveAttrToInput(node: NodeProto, name: string, slot: number, initializers: TensorProto[], unique: Unique): void {
  const a = getAttr(node, name);
  if (!a) return;
  const values = (a.ints ?? []).map((v) => toNumber(v));
  const tensorName = unique(`${node.name || node.output![0]}_${name}`);
  initializers.push(int64Tensor(values, [values.length], tensorName));
  node.attribute = (node.attribute ?? []).filter((x) => x.name !== name);
  const inputs = [...(node.input ?? [])];
  while (inputs.length < slot) inputs.push('');
  inputs[slot] = tensorName;
  node.input = inputs;
}

/**
 * Opset-11 Softmax flattens its input to [d0·…·d(axis-1), rest] and normalises over `rest`; from
 * opset 13 it normalises over `axis` alone. Flatten → Softmax(-1) → Reshape (back to the input's
 * shape) computes the old meaning with the new op, for any rank.
 */
function keepCoercion(node: NodeProto, unique: Unique): { before: NodeProto[]; after: NodeProto[] } {
  const axis = getAttr(node, 'axis');
  const input = node.input![0]!;
  const output = node.output![0]!;
  const base = node.name || output;
  const flat = unique(`${base}_flat`);
  const shape = unique(`${base}_shape`);
  const normalised = unique(`${base}_2d`);
  const flatten: NodeProto = {
    opType: 'Flatten',
    name: unique(`${base}_Flatten`),
    input: [input],
    output: [flat],
    attribute: [{ name: 'axis', ...attr.int(axis ? toNumber(axis.i) : 1) }],
  };
  const shapeOf: NodeProto = { opType: 'Shape', name: unique(`${base}_Shape`), input: [input], output: [shape] };
  node.input = [flat];
  node.output = [normalised];
  node.attribute = [{ name: 'axis', ...attr.int(-1) }];
  const reshape: NodeProto = { opType: 'Reshape', name: unique(`${base}_Reshape`), input: [normalised, shape], output: [output] };
  return { before: [flatten, shapeOf], after: [reshape] };
}
