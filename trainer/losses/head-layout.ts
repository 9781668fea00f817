import * as tf from '@tensorflow/tfjs';

/**
 * Per-level head maps [B, K, H, W] (NCHW, as ONNX graphs compute them), strides ascending ->
 * one [B, N, K] tensor in anchor order, which is what the losses take. Each family's export
 * flattens its levels the same way before decoding, so row i is anchor i of `anchorGrid`.
 */
export function flattenLevels(levels: readonly tf.Tensor4D[]): tf.Tensor3D {
  if (levels.length === 0) throw new RangeError('no head levels to flatten');
  return tf.tidy(() => {
    const flat = levels.map((l) => {
      const [b, k, h, w] = l.shape;
      return tf.reshape(tf.transpose(l, [0, 2, 3, 1]), [b, h * w, k]);
    });
    return tf.concat(flat, 1) as tf.Tensor3D;
  });
}
