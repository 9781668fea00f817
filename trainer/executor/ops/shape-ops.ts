/**
 * Ops that only move or reinterpret data: Reshape, Transpose, Unsqueeze, Squeeze, Concat, Split.
 * On tensors most of them only change the storage perm or reshape without copying.
 */
import * as tf from '@tensorflow/tfjs';
import type { NodeProto } from '../../onnx/index.js';
import { intAttr, intsAttr } from '../attrs.js';
import { OpCheckError } from '../errors.js';
import { normAxis } from '../layout.js';
import { hostConcat, ints } from '../host.js';
import { alignAll, host, reshapeValue, shapeOf, tensorValue, type HostValue, type Value } from '../value.js';
import { required, type OpSpec, type RunContext } from './op.js';

/** ONNX Reshape target: 0 copies the input dim (unless allowzero), -1 takes what is left. */
function reshapeTarget(input: readonly number[], spec: readonly number[], allowZero: boolean): number[] {
  const out = spec.map((d, i) => (d === 0 && !allowZero ? input[i]! : d));
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const total = input.reduce((p, d) => p * d, 1);
  const inferred = out.indexOf(-1);
  if (inferred >= 0) out[inferred] = known === 0 ? 0 : total / known;
  if (!Number.isInteger(out[inferred] ?? 0) || out.reduce((p, d) => p * d, 1) !== total) {
    throw new OpCheckError(`cannot reshape [${input.join(', ')}] to [${spec.join(', ')}]`);
  }
  return out;
}

/**
 * Graphs exported at batch 1 bake the 1 into Reshape targets; when the input's batch differs,
 * dim 0 of such a target is taken as the batch.
 */
function rebatch(spec: number[], input: readonly number[], ctx: RunContext): number[] {
  const b = ctx.exportedBatch;
  if (b === undefined || spec.length === 0 || spec[0] !== b || input[0] === b) return spec;
  return [input[0]!, ...spec.slice(1)];
}

function unsqueezeAxes(node: NodeProto, opset: number, inputs: readonly (Value | undefined)[]): number[] {
  return opset >= 13 ? ints(inputs[1] as HostValue | undefined, 'axes') : (intsAttr(node, 'axes') ?? []);
}

function unsqueezeShape(shape: readonly number[], axes: readonly number[]): number[] {
  const rank = shape.length + axes.length;
  const norm = new Set(axes.map((a) => normAxis(a, rank)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(norm.has(i) ? 1 : shape[k++]!);
  return out;
}

function squeezeShape(shape: readonly number[], axes: readonly number[] | undefined): number[] {
  const drop = axes ? new Set(axes.map((a) => normAxis(a, shape.length))) : new Set(shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  return shape.filter((_, i) => !drop.has(i));
}

function squeezeAxes(node: NodeProto, opset: number, inputs: readonly (Value | undefined)[]): number[] | undefined {
  if (opset >= 13) return inputs[1] ? ints(inputs[1] as HostValue, 'axes') : undefined;
  return intsAttr(node, 'axes');
}

type ShapeFn = (inShape: number[], inputs: readonly (Value | undefined)[], node: NodeProto, opset: number, ctx?: RunContext) => number[];

/** An op that only changes the logical shape: host values keep their data, tensors reshape. */
function reshapeLike(shapeFn: ShapeFn): OpSpec {
  return {
    staticInputs: [1],
    host(inputs, node, opset) {
      const x = required(inputs, 0, node);
      return [host(x.dataType, shapeFn(x.dims, inputs, node, opset), x.data)];
    },
    run(inputs, ctx) {
      const x = ctx.tensor(required(inputs, 0, ctx.node));
      return [reshapeValue(x, shapeFn(shapeOf(x), inputs, ctx.node, ctx.opset, ctx))];
    },
  };
}

export const shapeOps: Record<string, OpSpec> = {
  Reshape: reshapeLike((inShape, inputs, node, _opset, ctx) => {
    const spec = ints(inputs[1] as HostValue | undefined, 'shape');
    return reshapeTarget(inShape, ctx ? rebatch(spec, inShape, ctx) : spec, intAttr(node, 'allowzero', 0) === 1);
  }),
  Unsqueeze: reshapeLike((inShape, inputs, node, opset) => unsqueezeShape(inShape, unsqueezeAxes(node, opset, inputs))),
  Squeeze: reshapeLike((inShape, inputs, node, opset) => squeezeShape(inShape, squeezeAxes(node, opset, inputs))),
  Transpose: {
    run(inputs, ctx) {
      const x = ctx.tensor(required(inputs, 0, ctx.node));
      const rank = x.perm.length;
      const order = intsAttr(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
      if (order.length !== rank) throw new OpCheckError(`perm [${order.join(', ')}] does not fit rank ${rank}`);
      return [tensorValue(x.t, order.map((a) => x.perm[a]!))];
    },
  },
  Concat: {
    host(inputs, node) {
      const xs = inputs.filter((v): v is HostValue => v !== undefined);
      return [hostConcat(xs, normAxis(intAttr(node, 'axis', 0), xs[0]!.dims.length))];
    },
    run(inputs, ctx) {
      const xs = inputs.filter((v): v is Value => v !== undefined).map((v) => ctx.tensor(v));
      const axis = normAxis(intAttr(ctx.node, 'axis', 0), xs[0]!.perm.length);
      const { ts, perm } = alignAll(xs);
      return [tensorValue(tf.concat(ts, perm[axis]!), perm)];
    },
  },
  Split: {
    staticInputs: [1],
    run(inputs, ctx) {
      const x = ctx.tensor(required(inputs, 0, ctx.node));
      const axis = normAxis(intAttr(ctx.node, 'axis', 0), x.perm.length);
      const dim = shapeOf(x)[axis]!;
      const count = ctx.node.output!.length;
      const given = ctx.opset >= 13 ? (inputs[1] ? ints(inputs[1] as HostValue, 'split') : undefined) : intsAttr(ctx.node, 'split');
      const sizes = given ?? evenSplit(dim, count);
      if (sizes.length !== count || sizes.reduce((a, b) => a + b, 0) !== dim) {
        throw new OpCheckError(`split [${sizes.join(', ')}] does not cut axis ${axis} of size ${dim} into ${count} outputs`);
      }
      return tf.split(x.t, sizes, x.perm[axis]!).map((t) => tensorValue(t, x.perm));
    },
  },
};

/** Equal parts, the last one smaller when the size does not divide (ONNX opset 18 rule). */
function evenSplit(dim: number, count: number): number[] {
  const part = Math.ceil(dim / count);
  return Array.from({ length: count }, (_, i) => Math.max(0, Math.min(part, dim - i * part)));
}
