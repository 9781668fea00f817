/** Reductions over constant axes, and MatMul / _FusedMatMul with dense-layer weights. */
import { attr } from '../../../onnx/index.js';
import { attrBool, attrFloat, attrStrings } from '../attrs.js';
import { permWithout, type DynValue, type Value } from '../context.js';
import { normAxis } from '../fold.js';
import { cast, transpose } from '../ndarray.js';
import { emitActivation, emitBinary } from './elementwise.js';
import type { OpHandler } from './types.js';

function reduceOp(op: string): OpHandler {
  return (ctx, node, inputs) => {
    const x = ctx.input(inputs, 0);
    if (x.kind !== 'dyn') throw ctx.error('internal: constant input reached a dynamic op');
    const axes = [...new Set(ctx.constInput(inputs, 1, 'axis').toNumbers().map((a) => normAxis(a, x.shape.length)))];
    const keep = attrBool(node, 'keep_dims');
    const onnxAxes = axes.map((a) => x.perm.indexOf(a)).sort((a, b) => a - b);
    // ReduceSum takes its axes as an input from opset 13, the others as an attribute until opset 18.
    const name =
      op === 'ReduceSum'
        ? ctx.emit1(op, [x.name, ctx.int64(onnxAxes)], { keepdims: attr.int(keep ? 1 : 0) })
        : ctx.emit1(op, [x.name], { axes: attr.ints(onnxAxes), keepdims: attr.int(keep ? 1 : 0) });
    const drop = new Set(axes);
    const shape = keep ? x.shape.map((d, i) => (drop.has(i) ? 1 : d)) : x.shape.filter((_, i) => !drop.has(i));
    return [ctx.dyn(name, shape, x.dtype, keep ? x.perm : permWithout(x.perm, drop))];
  };
}

function matMulOp(fused: boolean): OpHandler {
  return (ctx, node, inputs) => {
    const a = ctx.input(inputs, 0);
    const b = ctx.input(inputs, 1);
    const shapeA = a.kind === 'dyn' ? a.shape : [...a.tensor.shape];
    if (shapeA.length !== 2) throw ctx.unsupported(`only 2-D MatMul is supported, input 0 has shape [${shapeA.join(', ')}]`);
    const ta = attrBool(node, 'transpose_a');
    const tb = attrBool(node, 'transpose_b');
    const aName = ctx.materialize(a, ta ? [1, 0] : [0, 1], 'float32');
    let bName: string;
    let shapeB: number[];
    if (b.kind === 'const') {
      const bt = transpose(cast(b.tensor, 'float32'), tb ? [1, 0] : [0, 1]);
      bName = ctx.constName(bt);
      shapeB = [...bt.shape];
    } else {
      bName = ctx.materialize(b, tb ? [1, 0] : [0, 1]);
      shapeB = tb ? [b.shape[1]!, b.shape[0]!] : b.shape;
    }
    const rows = ta ? shapeA[1]! : shapeA[0]!;
    let out: Value = ctx.dyn(ctx.emit1('MatMul', [aName, bName]), [rows, shapeB[1]!], 'float32');
    if (fused) {
      const ops = attrStrings(node, 'fused_ops').map((o) => o.toLowerCase());
      let arg = 2;
      for (const op of ops) {
        if (op === 'biasadd') out = emitBinary(ctx, 'Add', out, ctx.input(inputs, arg++, 'bias'));
        else {
          const prelu = op === 'prelu' ? ctx.materialize(ctx.input(inputs, arg++, 'alpha'), undefined, 'float32') : undefined;
          const d = out as DynValue;
          out = { ...d, name: emitActivation(ctx, op, d.name, { alpha: attrFloat(node, 'leakyrelu_alpha', 0.2), ...(prelu ? { prelu } : {}) }) };
        }
      }
    }
    return [out];
  };
}

export const reduceOps: Record<string, OpHandler> = {
  Mean: reduceOp('ReduceMean'),
  Sum: reduceOp('ReduceSum'),
  Max: reduceOp('ReduceMax'),
  Min: reduceOp('ReduceMin'),
  Prod: reduceOp('ReduceProd'),
  MatMul: matMulOp(false),
  _FusedMatMul: matMulOp(true),
};
