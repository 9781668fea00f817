/**
 * Element types of every tensor in a graph, propagated from the inputs, initializers and Constant
 * nodes. The quantizer needs them to keep its hands off the int64 shape arithmetic that exports
 * interleave with the float feature maps (Shape → Gather → Concat → Reshape).
 */
import { DataType, getAttr, toNumber, type GraphProto, type NodeProto } from '../../onnx/index.js';

/** Ops whose outputs have a fixed element type whatever their inputs are. */
const FIXED_OUTPUT: Record<string, number> = {
  Shape: DataType.INT64,
  Size: DataType.INT64,
  ArgMax: DataType.INT64,
  ArgMin: DataType.INT64,
  NonZero: DataType.INT64,
  NonMaxSuppression: DataType.INT64,
  Equal: DataType.BOOL,
  Less: DataType.BOOL,
  LessOrEqual: DataType.BOOL,
  Greater: DataType.BOOL,
  GreaterOrEqual: DataType.BOOL,
  Not: DataType.BOOL,
  And: DataType.BOOL,
  Or: DataType.BOOL,
  Xor: DataType.BOOL,
  IsNaN: DataType.BOOL,
  IsInf: DataType.BOOL,
};

/** Ops whose outputs after the first are int64 indices. */
const INDEX_OUTPUTS = new Set(['TopK', 'MaxPool']);

/** Ops whose output type follows an input other than the first (Where: the two branches). */
const TYPE_FROM_INPUT: Record<string, number> = { Where: 1 };

function outputType(node: NodeProto, types: Map<string, number>): number | undefined {
  const op = node.opType ?? '';
  if (op in FIXED_OUTPUT) return FIXED_OUTPUT[op];
  if (op === 'Cast') return toNumber(getAttr(node, 'to')?.i);
  if (op === 'Constant') return getAttr(node, 'value')?.t?.dataType ?? (getAttr(node, 'value_ints') ? DataType.INT64 : DataType.FLOAT);
  if (op === 'ConstantOfShape') return getAttr(node, 'value')?.t?.dataType ?? DataType.FLOAT;
  return types.get(node.input?.[TYPE_FROM_INPUT[op] ?? 0] ?? '');
}

/** Element type by tensor name; a tensor whose type cannot be told is absent. */
export function tensorTypes(graph: GraphProto): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of graph.input ?? []) {
    const t = v.type?.tensorType?.elemType;
    if (t) types.set(v.name ?? '', t);
  }
  for (const t of graph.initializer ?? []) types.set(t.name ?? '', t.dataType ?? 0);
  for (const node of graph.node ?? []) {
    const t = outputType(node, types);
    if (t === undefined) continue;
    (node.output ?? []).forEach((o, i) => {
      if (o) types.set(o, i > 0 && INDEX_OUTPUTS.has(node.opType ?? '') ? DataType.INT64 : t);
    });
  }
  return types;
}
