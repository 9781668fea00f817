/**
 * DepthwiseConv2dNativeBackpropFilter for the WebAssembly backend, which has none. Per channel
 * the filter gradient is x correlated with dy; moving the batch into the channels (x as
 * [1, H, W, C*N], dy as a [OH, OW, C*N, m] filter dilated by the stride) makes it one XNNPACK
 * depthwise convolution, summed over the batch afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { filterGradPads } from './conv2d-backprop-filter.js';
import { cropsAll, explicitPad, KernelScope, splitPads, type WasmBackendLike } from './kernel-scope.js';

function depthwiseBackpropFilter({ inputs, backend, attrs }: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: WasmBackendLike; attrs: DepthwiseConv2dNativeBackpropFilterAttrs }): TensorInfo {
  const { x, dy } = inputs;
  const [kh, kw, c, m] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('wasm DepthwiseConv2dNativeBackpropFilter supports dilation 1 only');
  const s = new KernelScope(backend);
  const [n, h, w] = x.shape as [number, number, number, number];
  const { crop, pad } = splitPads(filterGradPads(info));
  if (cropsAll(x, crop)) return s.finish(s.zeros(attrs.filterShape));
  const xt = s.crop(s.reshape(s.transpose(x, [1, 2, 3, 0]), [1, h, w, c * n]), crop);
  const dy5 = s.reshape(dy, [n, info.outHeight, info.outWidth, c, m]);
  const dyt = s.reshape(s.transpose(dy5, [1, 2, 3, 0, 4]), [info.outHeight, info.outWidth, c * n, m]);
  const perImage = s.run('DepthwiseConv2dNative', { x: xt, filter: dyt }, { strides: [1, 1], pad: explicitPad(pad), dilations: [info.strideHeight, info.strideWidth] });
  const summed = s.run('Sum', { x: s.reshape(perImage, [kh, kw, c, n, m]) }, { axis: [3], keepDims: false });
  return s.finish(summed);
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
