/**
 * DepthwiseConv2dNativeBackpropInput for the WebAssembly backend, which has none: dy spread apart
 * by the stride, correlated per channel with the spatially flipped filter (one XNNPACK depthwise
 * convolution), and with a channel multiplier m the m results of each input channel summed.
 */
import * as tf from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { transposedPads } from './conv2d-backprop-input.js';
import { cropsAll, explicitPad, KernelScope, splitPads, type WasmBackendLike } from './kernel-scope.js';

function depthwiseBackpropInput({ inputs, backend, attrs }: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackendLike; attrs: DepthwiseConv2dNativeBackpropInputAttrs }): TensorInfo {
  const { dy, filter } = inputs;
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, [kh, kw, c, m], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('wasm DepthwiseConv2dNativeBackpropInput supports dilation 1 only');
  const s = new KernelScope(backend);
  const flipped = s.reshape(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, c * m, 1]);
  const { crop, pad } = splitPads(transposedPads(info));
  const spaced = s.dilate(dy, [info.strideHeight, info.strideWidth]);
  if (cropsAll(spaced, crop)) return s.finish(s.zeros(attrs.inputShape));
  const spread = s.crop(spaced, crop);
  const dx = s.run('DepthwiseConv2dNative', { x: spread, filter: flipped }, { strides: [1, 1], pad: explicitPad(pad), dilations: [1, 1] });
  if (m === 1) return s.finish(dx);
  const [n, h, w] = attrs.inputShape;
  return s.finish(s.run('Sum', { x: s.reshape(dx, [n, h, w, c, m]) }, { axis: [4], keepDims: false }));
}

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelConfig['kernelFunc'],
};
