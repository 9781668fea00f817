/** Element-wise ops, activations, BiasAdd, standalone batch norm, Softmax. */
import { attr } from '../../../onnx/index.js';
import { attrFloat, attrString } from '../attrs.js';
import { constant, onnxType, shapeOf, type ConvertContext, type DynValue, type Value } from '../context.js';
import { normAxis } from '../fold.js';
import { NdArray, binary, broadcastShapes, identity, padRank, reshape, unary, type DType } from '../ndarray.js';
import type { OpHandler } from './types.js';

const lifted = new WeakMap<NdArray, Map<number, NdArray>>();

/** A constant reshaped with leading 1-dims to `rank` (memoised, so its initializer is shared). */
function liftConst(t: NdArray, rank: number): NdArray {
  let byRank = lifted.get(t);
  if (!byRank) lifted.set(t, (byRank = new Map()));
  let out = byRank.get(rank);
  if (!out) byRank.set(rank, (out = t.size === 1 ? reshape(t, []) : reshape(t, padRank(t.shape, rank))));
  return out;
}

/** One operand of a broadcasting op, in storage order `perm` of an output of `rank`. */
function operand(ctx: ConvertContext, v: Value, rank: number, perm: readonly number[], dtype: DType): string {
  if (v.kind === 'const') {
    const t = liftConst(v.tensor, rank);
    return ctx.constName(t, t.rank === 0 ? [] : perm, dtype);
  }
  if (v.shape.length < rank) {
    const shape = padRank(v.shape, rank);
    const name = ctx.emit1('Reshape', [ctx.materialize(v), ctx.int64(shape)], undefined, `${v.name}/rank${rank}`);
    return ctx.materialize(ctx.dyn(name, shape, v.dtype), perm);
  }
  return ctx.materialize(v, perm);
}

/** A broadcasting binary ONNX op; the result keeps the storage order of its full-rank dynamic input. */
export function emitBinary(ctx: ConvertContext, op: string, a: Value, b: Value, outDtype?: DType): DynValue {
  const shape = broadcastShapes(shapeOf(a), shapeOf(b));
  const rank = shape.length;
  const lead = [a, b].find((v): v is DynValue => v.kind === 'dyn' && v.shape.length === rank);
  const anyDyn = [a, b].find((v): v is DynValue => v.kind === 'dyn');
  const perm = lead ? lead.perm : identity(rank);
  const dtype = anyDyn ? anyDyn.dtype : 'float32';
  const out = ctx.emit1(op, [operand(ctx, a, rank, perm, dtype), operand(ctx, b, rank, perm, dtype)]);
  return ctx.dyn(out, shape, outDtype ?? dtype, perm);
}

function binaryOp(op: string): OpHandler {
  return (ctx, _node, inputs) => [emitBinary(ctx, op, ctx.input(inputs, 0, 'x'), ctx.input(inputs, 1, 'y'))];
}

function dynInput(ctx: ConvertContext, inputs: Value[], i = 0): DynValue {
  const v = ctx.input(inputs, i);
  if (v.kind !== 'dyn') throw ctx.error('internal: constant input reached a dynamic op');
  return v;
}

function unaryOp(op: string, attrs?: (ctx: ConvertContext) => Parameters<ConvertContext['emit1']>[2]): OpHandler {
  return (ctx, _node, inputs) => {
    const x = dynInput(ctx, inputs);
    return [{ ...x, name: ctx.emit1(op, [x.name], attrs?.(ctx)) }];
  };
}

/** An activation by TF name applied to ONNX tensor `x`; returns the new name. */
export function emitActivation(ctx: ConvertContext, act: string, x: string, opts: { alpha?: number; prelu?: string } = {}): string {
  switch (act) {
    case 'relu':
      return ctx.emit1('Relu', [x]);
    case 'relu6':
      return ctx.emit1('Clip', [x, ctx.floatScalar(0), ctx.floatScalar(6)]);
    case 'leakyrelu':
      return ctx.emit1('LeakyRelu', [x], { alpha: attr.float(opts.alpha ?? 0.2) });
    case 'elu':
      return ctx.emit1('Elu', [x]);
    case 'sigmoid':
      return ctx.emit1('Sigmoid', [x]);
    case 'tanh':
      return ctx.emit1('Tanh', [x]);
    case 'prelu':
      if (!opts.prelu) throw ctx.error('PRelu needs its alpha argument');
      return ctx.emit1('PRelu', [x, opts.prelu]);
    default:
      throw ctx.unsupported(`activation '${act}' is not supported`);
  }
}

/** The channel axis of a TF tensor of `rank` for a data_format. */
export function channelAxis(format: string, rank: number): number {
  return format.startsWith('NC') ? 1 : rank - 1;
}

/** A per-channel vector [C] shaped to broadcast along `axis` of a rank-`rank` tensor. */
export function channelConst(t: NdArray, rank: number, axis: number): NdArray {
  const shape = new Array<number>(rank).fill(1);
  shape[axis] = t.size;
  return reshape(t, shape);
}

const biasAdd: OpHandler = (ctx, node, inputs) => {
  const x = ctx.input(inputs, 0);
  const rank = shapeOf(x).length;
  const bias = ctx.input(inputs, 1, 'bias');
  const axis = channelAxis(attrString(node, 'data_format', 'NHWC'), rank);
  const b = bias.kind === 'const' ? constant(channelConst(bias.tensor, rank, axis)) : bias;
  return [emitBinary(ctx, 'Add', x, b)];
};

/** Inference-mode batch norm as x * s + t with s, t folded per channel. */
const fusedBatchNorm: OpHandler = (ctx, node, inputs) => {
  const x = ctx.input(inputs, 0);
  const rank = shapeOf(x).length;
  const [scale, offset, mean, variance] = [1, 2, 3, 4].map((i) => ctx.constInput(inputs, i, ['scale', 'offset', 'mean', 'variance'][i - 1]!));
  const eps = attrFloat(node, 'epsilon', 1e-3);
  const s = binary(scale!, unary(variance!, (v) => 1 / Math.sqrt(v + eps)), (a, b) => a * b);
  const t = binary(offset!, binary(mean!, s, (a, b) => a * b), (a, b) => a - b);
  const axis = channelAxis(attrString(node, 'data_format', 'NHWC'), rank);
  const y = emitBinary(ctx, 'Mul', x, constant(channelConst(s, rank, axis)));
  return [emitBinary(ctx, 'Add', y, constant(channelConst(t, rank, axis)))];
};

const softmax: OpHandler = (ctx, _node, inputs) => {
  const x = dynInput(ctx, inputs);
  const axis = x.perm.indexOf(normAxis(-1, x.shape.length));
  return [{ ...x, name: ctx.emit1('Softmax', [x.name], { axis: attr.int(axis) }) }];
};

const prelu: OpHandler = (ctx, _node, inputs) => {
  const x = dynInput(ctx, inputs);
  const alpha = ctx.input(inputs, 1, 'alpha');
  const rank = x.shape.length;
  const a = alpha.kind === 'const' ? ctx.constName(liftConst(alpha.tensor, rank), alpha.tensor.size === 1 ? [] : x.perm, 'float32') : ctx.materialize(alpha, x.perm);
  return [{ ...x, name: ctx.emit1('PRelu', [x.name, a]) }];
};

const addN: OpHandler = (ctx, _node, inputs) => {
  let acc: Value = ctx.input(inputs, 0);
  for (const v of inputs.slice(1)) acc = emitBinary(ctx, 'Add', acc, v);
  return [acc];
};

const squaredDifference: OpHandler = (ctx, _node, inputs) => {
  const d = emitBinary(ctx, 'Sub', ctx.input(inputs, 0), ctx.input(inputs, 1));
  return [{ ...d, name: ctx.emit1('Mul', [d.name, d.name]) }];
};

const cast: OpHandler = (ctx, node, inputs) => {
  const x = dynInput(ctx, inputs);
  const to = node.attr?.DstT?.type;
  const dtype: DType = to === 'DT_BOOL' ? 'bool' : to === 'DT_FLOAT' || to === 'DT_HALF' || to === 'DT_DOUBLE' ? 'float32' : 'int32';
  if (dtype === x.dtype) return [x];
  return [{ ...x, dtype, name: ctx.emit1('Cast', [x.name], { to: attr.int(onnxType(dtype)) }) }];
};

export const elementwiseOps: Record<string, OpHandler> = {
  Add: binaryOp('Add'),
  AddV2: binaryOp('Add'),
  Sub: binaryOp('Sub'),
  Mul: binaryOp('Mul'),
  RealDiv: binaryOp('Div'),
  Div: binaryOp('Div'),
  Maximum: binaryOp('Max'),
  Minimum: binaryOp('Min'),
  Pow: binaryOp('Pow'),
  SquaredDifference: squaredDifference,
  AddN: addN,
  BiasAdd: biasAdd,
  Relu: unaryOp('Relu'),
  Relu6: (ctx, _n, inputs) => {
    const x = dynInput(ctx, inputs);
    return [{ ...x, name: emitActivation(ctx, 'relu6', x.name) }];
  },
  LeakyRelu: (ctx, node, inputs) => {
    const x = dynInput(ctx, inputs);
    return [{ ...x, name: emitActivation(ctx, 'leakyrelu', x.name, { alpha: attrFloat(node, 'alpha', 0.2) }) }];
  },
  Elu: unaryOp('Elu'),
  Selu: unaryOp('Selu'),
  Sigmoid: unaryOp('Sigmoid'),
  Tanh: unaryOp('Tanh'),
  Softplus: unaryOp('Softplus'),
  Exp: unaryOp('Exp'),
  Log: unaryOp('Log'),
  Sqrt: unaryOp('Sqrt'),
  Rsqrt: (ctx, _n, inputs) => {
    const x = dynInput(ctx, inputs);
    return [{ ...x, name: ctx.emit1('Reciprocal', [ctx.emit1('Sqrt', [x.name])]) }];
  },
  Square: (ctx, _n, inputs) => {
    const x = dynInput(ctx, inputs);
    return [{ ...x, name: ctx.emit1('Mul', [x.name, x.name]) }];
  },
  Reciprocal: unaryOp('Reciprocal'),
  Neg: unaryOp('Neg'),
  Abs: unaryOp('Abs'),
  Floor: unaryOp('Floor'),
  Ceil: unaryOp('Ceil'),
  Round: unaryOp('Round'),
  Softmax: softmax,
  Prelu: prelu,
  FusedBatchNorm: fusedBatchNorm,
  FusedBatchNormV2: fusedBatchNorm,
  FusedBatchNormV3: fusedBatchNorm,
  Cast: cast,
};
