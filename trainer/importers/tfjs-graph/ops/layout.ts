/**
 * Ops that move data around: Transpose (free: it only changes the storage order), Reshape,
 * Squeeze/ExpandDims, Concat/Pack, Split, Pad, Slice. Ops whose axes matter map TF axes to the
 * storage order, so they work on tensors in whatever order they are stored.
 */
import { attr } from '../../../onnx/index.js';
import { attrInt, attrString } from '../attrs.js';
import { permAfterTranspose, permWithout, shapeOf, type ConvertContext, type DynValue, type Value } from '../context.js';
import { expandedShape, normAxis, resolveShape, splitSizes, squeezeAxes, stridedSliceSpec, type SliceSpec } from '../fold.js';
import { identity, isIdentity, sizeOf } from '../ndarray.js';
import type { OpHandler } from './types.js';

function dyn(ctx: ConvertContext, inputs: Value[], i = 0): DynValue {
  const v = ctx.input(inputs, i);
  if (v.kind !== 'dyn') throw ctx.error('internal: constant input reached a dynamic op');
  return v;
}

const passThrough: OpHandler = (_ctx, _node, inputs) => inputs.slice(0, 1);

const transposeOp: OpHandler = (ctx, _node, inputs) => {
  const x = dyn(ctx, inputs);
  const p = ctx.constInput(inputs, 1, 'perm').toNumbers();
  if (p.length !== x.shape.length) throw ctx.error(`perm [${p.join(', ')}] does not match rank ${x.shape.length}`);
  return [{ ...x, shape: p.map((a) => x.shape[a]!), perm: permAfterTranspose(x.perm, p) }];
};

/** Reshape in TF order; a no-op when the shape does not change. */
export function emitReshape(ctx: ConvertContext, x: DynValue, shape: readonly number[]): DynValue {
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i])) return x;
  const name = ctx.emit1('Reshape', [ctx.materialize(x), ctx.int64(shape)]);
  return ctx.dyn(name, shape, x.dtype);
}

const reshapeOp: OpHandler = (ctx, _node, inputs) => {
  const x = dyn(ctx, inputs);
  const target = ctx.constInput(inputs, 1, 'shape').toNumbers();
  let shape: number[];
  try {
    shape = resolveShape(target, sizeOf(x.shape));
  } catch (err) {
    throw ctx.error(`${(err as Error).message} (input shape [${x.shape.join(', ')}])`);
  }
  return [emitReshape(ctx, x, shape)];
};

/** Removes size-1 TF axes from a tensor without moving data (Squeeze in storage order). */
function dropAxes(ctx: ConvertContext, x: DynValue, drop: Set<number>): DynValue {
  if (drop.size === 0) return x;
  const onnxAxes = x.perm.flatMap((a, j) => (drop.has(a) ? [j] : []));
  const name = ctx.emit1('Squeeze', [x.name, ctx.int64(onnxAxes)]);
  return ctx.dyn(
    name,
    x.shape.filter((_, i) => !drop.has(i)),
    x.dtype,
    permWithout(x.perm, drop),
  );
}

const squeezeOp: OpHandler = (ctx, node, inputs) => {
  const x = dyn(ctx, inputs);
  const drop = squeezeAxes(node, x.shape);
  for (const a of drop) if (x.shape[a] !== 1) throw ctx.error(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return [dropAxes(ctx, x, drop)];
};

/** Inserts a size-1 TF axis; stored as a new last axis unless the tensor is in TF order. */
function insertAxis(ctx: ConvertContext, x: DynValue, axisIn: number): DynValue {
  const shape = expandedShape(x.shape, axisIn);
  const axis = axisIn < 0 ? axisIn + shape.length : axisIn;
  if (isIdentity(x.perm)) return ctx.dyn(ctx.emit1('Unsqueeze', [x.name, ctx.int64([axis])]), shape, x.dtype);
  const perm = [...x.perm.map((a) => (a >= axis ? a + 1 : a)), axis];
  return ctx.dyn(ctx.emit1('Unsqueeze', [x.name, ctx.int64([x.perm.length])]), shape, x.dtype, perm);
}

const expandDimsOp: OpHandler = (ctx, _node, inputs) => {
  const x = dyn(ctx, inputs);
  return [insertAxis(ctx, x, ctx.constInput(inputs, 1, 'axis').data[0]!)];
};

/** Concat in the storage order of the first full-rank dynamic part. */
function emitConcat(ctx: ConvertContext, parts: Value[], axisIn: number): DynValue {
  const rank = shapeOf(parts[0]!).length;
  const axis = normAxis(axisIn, rank);
  const lead = parts.find((p): p is DynValue => p.kind === 'dyn');
  const perm = lead ? lead.perm : identity(rank);
  const dtype = lead ? lead.dtype : 'float32';
  const names = parts.map((p) => ctx.materialize(p, perm, p.kind === 'const' ? dtype : undefined));
  const shape = [...shapeOf(parts[0]!)];
  shape[axis] = parts.reduce((s, p) => s + shapeOf(p)[axis]!, 0);
  return ctx.dyn(ctx.emit1('Concat', names, { axis: attr.int(perm.indexOf(axis)) }), shape, dtype, perm);
}

const concatV2: OpHandler = (ctx, _node, inputs) => {
  const axis = ctx.constInput(inputs, inputs.length - 1, 'axis').data[0]!;
  return [emitConcat(ctx, inputs.slice(0, -1), axis)];
};

const concatV1: OpHandler = (ctx, _node, inputs) => [emitConcat(ctx, inputs.slice(1), ctx.constInput(inputs, 0, 'axis').data[0]!)];

const pack: OpHandler = (ctx, node, inputs) => {
  const rank = shapeOf(inputs[0]!).length + 1;
  const axis = normAxis(attrInt(node, 'axis'), rank);
  const parts = inputs.map((v) => {
    const d = v.kind === 'dyn' ? v : ctx.dyn(ctx.materialize(v, undefined, 'float32'), shapeOf(v), 'float32');
    return insertAxis(ctx, d, axis);
  });
  return [emitConcat(ctx, parts, axis)];
};

function emitSplit(ctx: ConvertContext, x: DynValue, axisIn: number, sizes: number[]): DynValue[] {
  const axis = normAxis(axisIn, x.shape.length);
  const names = ctx.emit('Split', [x.name, ctx.int64(sizes)], { axis: attr.int(x.perm.indexOf(axis)) }, sizes.length);
  return names.map((name, i) => {
    const shape = [...x.shape];
    shape[axis] = sizes[i]!;
    return { ...x, name, shape };
  });
}

const split: OpHandler = (ctx, node, inputs) => {
  const x = dyn(ctx, inputs, 1);
  const axis = ctx.constInput(inputs, 0, 'split_dim').data[0]!;
  return emitSplit(ctx, x, axis, splitSizes(node, x.shape[normAxis(axis, x.shape.length)]!));
};

const splitV: OpHandler = (ctx, node, inputs) => {
  const x = dyn(ctx, inputs);
  const axis = ctx.constInput(inputs, 2, 'split_dim').data[0]!;
  const sizes = ctx.constInput(inputs, 1, 'size_splits').toNumbers();
  return emitSplit(ctx, x, axis, splitSizes(node, x.shape[normAxis(axis, x.shape.length)]!, sizes));
};

function padOp(kind: 'Pad' | 'PadV2' | 'MirrorPad'): OpHandler {
  return (ctx, node, inputs) => {
    const x = dyn(ctx, inputs);
    const p = ctx.constInput(inputs, 1, 'paddings').toNumbers();
    const rank = x.shape.length;
    if (p.length !== rank * 2) throw ctx.error(`paddings has ${p.length} values, expected ${rank * 2}`);
    if (p.every((v) => v === 0)) return [x];
    const pads = [...x.perm.map((a) => p[a * 2]!), ...x.perm.map((a) => p[a * 2 + 1]!)];
    const onnxInputs = [x.name, ctx.int64(pads)];
    let mode = 'constant';
    if (kind === 'PadV2') {
      const value = ctx.constInput(inputs, 2, 'constant_values').data[0]!;
      if (value !== 0) onnxInputs.push(ctx.floatScalar(value));
    } else if (kind === 'MirrorPad') {
      const m = attrString(node, 'mode', 'REFLECT');
      if (m !== 'REFLECT') throw ctx.unsupported(`MirrorPad mode '${m}' has no ONNX equivalent (only REFLECT)`);
      mode = 'reflect';
    }
    const name = ctx.emit1('Pad', onnxInputs, mode === 'constant' ? undefined : { mode: attr.string(mode) });
    const shape = x.shape.map((d, i) => d + p[i * 2]! + p[i * 2 + 1]!);
    return [{ ...x, name, shape }];
  };
}

/** ONNX Slice in storage order, then TF's new/shrunk axes. */
function emitSlice(ctx: ConvertContext, x: DynValue, spec: SliceSpec): DynValue {
  const axes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  x.perm.forEach((a, j) => {
    const [b, c, s] = [spec.begin[a]!, spec.count[a]!, spec.step[a]!];
    if (b === 0 && c === x.shape[a] && s === 1) return;
    axes.push(j);
    starts.push(b);
    const e = b + c * s;
    ends.push(s < 0 && e < 0 ? -(2 ** 31) : e);
    steps.push(s);
  });
  let out = x;
  if (axes.length > 0) {
    const name = ctx.emit1('Slice', [x.name, ctx.int64(starts), ctx.int64(ends), ctx.int64(axes), ctx.int64(steps)]);
    out = { ...x, name, shape: [...spec.count] };
  }
  return emitReshape(ctx, out, spec.outShape);
}

const stridedSlice: OpHandler = (ctx, node, inputs) => {
  const x = dyn(ctx, inputs);
  const [b, e, s] = [1, 2, 3].map((i) => ctx.constInput(inputs, i, ['begin', 'end', 'strides'][i - 1]!).toNumbers());
  return [emitSlice(ctx, x, stridedSliceSpec(node, x.shape, b!, e!, s!))];
};

const slice: OpHandler = (ctx, _node, inputs) => {
  const x = dyn(ctx, inputs);
  const begin = ctx.constInput(inputs, 1, 'begin').toNumbers();
  const size = ctx.constInput(inputs, 2, 'size').toNumbers();
  const count = size.map((c, i) => (c === -1 ? x.shape[i]! - begin[i]! : c));
  return [emitSlice(ctx, x, { begin, count, step: begin.map(() => 1), outShape: count })];
};

export const layoutOps: Record<string, OpHandler> = {
  Identity: passThrough,
  StopGradient: passThrough,
  Snapshot: passThrough,
  IdentityN: (_ctx, _node, inputs) => inputs,
  Transpose: transposeOp,
  Reshape: reshapeOp,
  Squeeze: squeezeOp,
  ExpandDims: expandDimsOp,
  ConcatV2: concatV2,
  Concat: concatV1,
  Pack: pack,
  Split: split,
  SplitV: splitV,
  Pad: padOp('Pad'),
  PadV2: padOp('PadV2'),
  MirrorPad: padOp('MirrorPad'),
  StridedSlice: stridedSlice,
  Slice: slice,
};
