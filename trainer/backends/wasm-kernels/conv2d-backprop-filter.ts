/**
 * Conv2DBackpropFilter for the WebAssembly backend, which has none. The filter gradient is a
 * convolution itself: with the batch moved into the channels (x as [Ci, H, W, N], dy as a
 * [OH, OW, N, Co] filter dilated by the stride) one XNNPACK convolution yields [Ci, kH, kW, Co].
 * 1x1 stride-1 filters are a single matrix product.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { cropsAll, explicitPad, KernelScope, splitPads, type WasmBackendLike } from './kernel-scope.js';

/**
 * Pads [top, bottom, left, right] (negative: crop) of x so that correlating it with dy dilated by
 * the stride yields exactly kH x kW values.
 */
export function filterGradPads(info: tf.backend_util.Conv2DInfo): number[] {
  const { top, left } = info.padInfo;
  return [
    top,
    info.filterHeight + info.strideHeight * (info.outHeight - 1) - info.inHeight - top,
    left,
    info.filterWidth + info.strideWidth * (info.outWidth - 1) - info.inWidth - left,
  ];
}

/** x^T dy over all N*H*W positions; transposes whichever operand has fewer channels. */
function pointwise(s: KernelScope, x: TensorInfo, dy: TensorInfo, ci: number, co: number): TensorInfo {
  const k = dy.shape.slice(0, 3).reduce((a, b) => a * b, 1);
  if (ci <= co) {
    const xt = s.reshape(s.transpose(s.reshape(x, [k, ci]), [1, 0]), [1, ci, k]);
    return s.reshape(s.run('BatchMatMul', { a: xt, b: s.reshape(dy, [1, k, co]) }, { transposeA: false, transposeB: false }), [1, 1, ci, co]);
  }
  const dyt = s.reshape(s.transpose(s.reshape(dy, [k, co]), [1, 0]), [1, co, k]);
  const wt = s.run('BatchMatMul', { a: dyt, b: s.reshape(x, [1, k, ci]) }, { transposeA: false, transposeB: false });
  return s.reshape(s.transpose(s.reshape(wt, [co, ci]), [1, 0]), [1, 1, ci, co]);
}

function conv2DBackpropFilter({ inputs, backend, attrs }: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: WasmBackendLike; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { x, dy } = inputs;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const s = new KernelScope(backend);
  const pads = filterGradPads(info);
  const [ci, co] = [info.inChannels, info.outChannels];
  if (info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1 && pads.every((p) => p === 0)) {
    return s.finish(pointwise(s, x, dy, ci, co));
  }
  const { crop, pad } = splitPads(pads);
  // Every input row or column the filter reads lies in the padding: nothing to learn from.
  if (cropsAll(x, crop)) return s.finish(s.zeros(attrs.filterShape));
  const xt = s.crop(s.transpose(x, [3, 1, 2, 0]), crop);
  const dyt = s.transpose(dy, [1, 2, 0, 3]);
  const grad = s.run('Conv2D', { x: xt, filter: dyt }, { strides: [1, 1], pad: explicitPad(pad), dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] });
  return s.finish(s.transpose(grad, [1, 2, 0, 3]));
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
