/**
 * Convolutions and pooling. ONNX runs them in NCHW: the input is asked for in NCHW order
 * (free when it is already stored so), filters are transposed at import time (HWIO -> OIHW,
 * depthwise HWCM -> (C*M)1HW), fused BiasAdd / FusedBatchNorm fold into the weights.
 */
import { attr } from '../../../onnx/index.js';
import { attrFloat, attrInts, attrString, attrStrings } from '../attrs.js';
import { NCHW_FROM_NHWC, shapeOf, type ConvertContext, type Value } from '../context.js';
import { NdArray, cast, identity, reshape, transpose } from '../ndarray.js';
import { emitActivation } from './elementwise.js';
import type { OpHandler } from './types.js';
import type { TfNode } from '../model-json.js';

interface Spatial {
  nchw: boolean;
  n: number;
  c: number;
  h: number;
  w: number;
}

function spatial(ctx: ConvertContext, node: TfNode, x: Value): Spatial {
  const s = shapeOf(x);
  if (s.length !== 4) throw ctx.unsupported(`only 4-D inputs are supported, got shape [${s.join(', ')}]`);
  const nchw = attrString(node, 'data_format', 'NHWC') === 'NCHW';
  return nchw ? { nchw, n: s[0]!, c: s[1]!, h: s[2]!, w: s[3]! } : { nchw, n: s[0]!, c: s[3]!, h: s[1]!, w: s[2]! };
}

/** H and W entries of a 4-element attr given in data_format order. */
function hw(list: readonly number[], nchw: boolean, def: number): [number, number] {
  if (list.length !== 4) return [def, def];
  return nchw ? [list[2]!, list[3]!] : [list[1]!, list[2]!];
}

/** ONNX pads [top, left, bottom, right] and output size for TF padding VALID / SAME / EXPLICIT. */
function padsFor(ctx: ConvertContext, node: TfNode, sp: Spatial, k: [number, number], s: [number, number], d: [number, number]): { pads: number[]; oh: number; ow: number } {
  const padding = attrString(node, 'padding', 'VALID');
  const ins = [sp.h, sp.w];
  const eff = [(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1];
  let before = [0, 0];
  let after = [0, 0];
  if (padding === 'SAME') {
    const total = ins.map((n, i) => Math.max((Math.ceil(n / s[i]!) - 1) * s[i]! + eff[i]! - n, 0));
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, i) => t - before[i]!);
  } else if (padding === 'EXPLICIT') {
    const e = attrInts(node, 'explicit_paddings');
    if (e.length !== 8) throw ctx.error(`explicit_paddings needs 8 values, got ${e.length}`);
    const [hi, wi] = sp.nchw ? [4, 6] : [2, 4];
    before = [e[hi]!, e[wi]!];
    after = [e[hi + 1]!, e[wi + 1]!];
  } else if (padding !== 'VALID') {
    throw ctx.unsupported(`padding '${padding}' is not supported`);
  }
  const out = ins.map((n, i) => Math.floor((n + before[i]! + after[i]! - eff[i]!) / s[i]!) + 1);
  return { pads: [before[0]!, before[1]!, after[0]!, after[1]!], oh: out[0]!, ow: out[1]! };
}

/** The TF value for an NCHW ONNX result, in the node's own layout. */
function result(ctx: ConvertContext, name: string, sp: Spatial, c: number, oh: number, ow: number): Value {
  return sp.nchw ? ctx.dyn(name, [sp.n, c, oh, ow], 'float32') : ctx.dyn(name, [sp.n, oh, ow, c], 'float32', NCHW_FROM_NHWC);
}

function inputNchw(ctx: ConvertContext, x: Value, sp: Spatial): string {
  return ctx.materialize(x, sp.nchw ? identity(4) : NCHW_FROM_NHWC, 'float32');
}

function convOp(depthwise: boolean, fused: boolean): OpHandler {
  return (ctx, node, inputs) => {
    const x = ctx.input(inputs, 0);
    const sp = spatial(ctx, node, x);
    const filter = cast(ctx.constInput(inputs, 1, 'filter'), 'float32');
    if (filter.rank !== 4) throw ctx.error(`filter must be 4-D, got [${filter.shape.join(', ')}]`);
    const [kh, kw, fin, fout] = filter.shape as [number, number, number, number];
    let weight: NdArray;
    let group: number;
    let outC: number;
    if (depthwise) {
      if (fin !== sp.c) throw ctx.error(`depthwise filter has ${fin} input channels, the input has ${sp.c}`);
      outC = sp.c * fout;
      weight = transpose(reshape(filter, [kh, kw, 1, outC]), [3, 2, 0, 1]);
      group = sp.c;
    } else {
      if (sp.c % fin !== 0) throw ctx.error(`filter has ${fin} input channels, which do not divide the input's ${sp.c}`);
      outC = fout;
      weight = transpose(filter, [3, 2, 0, 1]);
      group = sp.c / fin;
    }
    let bias: Float32Array | undefined;
    let act: string | undefined;
    let prelu: string | undefined;
    if (fused) {
      const ops = attrStrings(node, 'fused_ops').map((o) => o.toLowerCase());
      let arg = 2;
      for (const op of ops) {
        if (op === 'biasadd') {
          bias = Float32Array.from(ctx.constInput(inputs, arg++, 'bias').data);
        } else if (op === 'fusedbatchnorm') {
          const [scale, offset, mean, variance] = [0, 1, 2, 3].map((k) => ctx.constInput(inputs, arg + k, ['scale', 'offset', 'mean', 'variance'][k]!).data);
          arg += 4;
          const eps = attrFloat(node, 'epsilon', 1e-3);
          const per = weight.size / outC;
          const w = Float32Array.from(weight.data);
          bias = new Float32Array(outC);
          for (let c = 0; c < outC; c++) {
            const s = scale![c]! / Math.sqrt(variance![c]! + eps);
            for (let k = 0; k < per; k++) w[c * per + k] = w[c * per + k]! * s;
            bias[c] = -mean![c]! * s + offset![c]!;
          }
          weight = new NdArray('float32', weight.shape, w);
        } else if (op === 'prelu') {
          const alpha = ctx.constInput(inputs, arg++, 'prelu alpha');
          prelu = ctx.constName(reshape(cast(alpha, 'float32'), alpha.size === 1 ? [] : [1, alpha.size, 1, 1]));
          act = 'prelu';
        } else if (['relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid', 'tanh'].includes(op)) {
          act = op;
        } else {
          throw ctx.unsupported(`fused op '${op}' is not supported`);
        }
      }
    }
    const strides = hw(attrInts(node, 'strides'), sp.nchw, 1);
    const dilations = hw(attrInts(node, 'dilations'), sp.nchw, 1);
    const { pads, oh, ow } = padsFor(ctx, node, sp, [kh, kw], strides, dilations);
    const onnxInputs = [inputNchw(ctx, x, sp), ctx.constName(weight, identity(4), 'float32', `${node.name}/weight`)];
    if (bias) onnxInputs.push(ctx.constName(new NdArray('float32', [outC], bias), [0], 'float32', `${node.name}/bias`));
    let out = ctx.emit1('Conv', onnxInputs, {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints(strides),
      dilations: attr.ints(dilations),
      pads: attr.ints(pads),
      group: attr.int(group),
    });
    if (act) out = emitActivation(ctx, act, out, { alpha: attrFloat(node, 'leakyrelu_alpha', 0.2), ...(prelu ? { prelu } : {}) });
    return [result(ctx, out, sp, outC, oh, ow)];
  };
}

function poolOp(op: 'MaxPool' | 'AveragePool'): OpHandler {
  return (ctx, node, inputs) => {
    const x = ctx.input(inputs, 0);
    const sp = spatial(ctx, node, x);
    const k = hw(attrInts(node, 'ksize'), sp.nchw, 1);
    const s = hw(attrInts(node, 'strides'), sp.nchw, 1);
    const { pads, oh, ow } = padsFor(ctx, node, sp, k, s, [1, 1]);
    const out = ctx.emit1(op, [inputNchw(ctx, x, sp)], { kernel_shape: attr.ints(k), strides: attr.ints(s), pads: attr.ints(pads) });
    return [result(ctx, out, sp, sp.c, oh, ow)];
  };
}

export const convOps: Record<string, OpHandler> = {
  Conv2D: convOp(false, false),
  _FusedConv2D: convOp(false, true),
  DepthwiseConv2dNative: convOp(true, false),
  DepthwiseConv2d: convOp(true, false),
  FusedDepthwiseConv2dNative: convOp(true, true),
  MaxPool: poolOp('MaxPool'),
  AvgPool: poolOp('AveragePool'),
};
