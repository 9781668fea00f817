/**
 * Conv2DBackpropInput for the WebAssembly backend, as one XNNPACK convolution: the input gradient
 * is dy, spread apart by the stride, correlated with the filter flipped in space and with its in
 * and out channels swapped. The backend's own kernel is a plain loop about ten times slower.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { cropsAll, explicitPad, KernelScope, splitPads, type WasmBackendLike } from './kernel-scope.js';

/**
 * Pads [top, bottom, left, right] (negative: crop) of the stride-spread dy so that a stride-1
 * correlation with a k x k filter yields exactly the input size.
 */
export function transposedPads(info: tf.backend_util.Conv2DInfo): number[] {
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  return [
    top,
    info.inHeight + info.filterHeight - 1 - info.outHeight * info.strideHeight - top,
    left,
    info.inWidth + info.filterWidth - 1 - info.outWidth * info.strideWidth - left,
  ];
}

function conv2DBackpropInput({ inputs, backend, attrs }: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackendLike; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { dy, filter } = inputs;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropInput supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const s = new KernelScope(backend);
  const flipped = s.transpose(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
  const { crop, pad } = splitPads(transposedPads(info));
  const spaced = s.dilate(dy, [info.strideHeight, info.strideWidth]);
  if (cropsAll(spaced, crop)) return s.finish(s.zeros(attrs.inputShape));
  const spread = s.crop(spaced, crop);
  return s.finish(s.run('Conv2D', { x: spread, filter: flipped }, { strides: [1, 1], pad: explicitPad(pad), dataFormat: 'NHWC', dilations: [1, 1] }));
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelConfig['kernelFunc'],
};
