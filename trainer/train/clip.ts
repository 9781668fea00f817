import * as tf from '@tensorflow/tfjs';

/**
 * Scales the gradients down so that their global L2 norm is at most `maxNorm` (PyTorch's
 * clip_grad_norm_, which Ultralytics applies at 10): one bad batch cannot throw the weights far.
 * Returns the clipped gradients (new tensors; the inputs are left to the caller) and the norm
 * before clipping.
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const names = Object.keys(grads);
  const norm = tf.tidy(() => Math.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))).dataSync()[0]!));
  const scale = Number.isFinite(norm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  const out: Record<string, tf.Tensor> = {};
  for (const n of names) out[n] = scale === 1 ? tf.clone(grads[n]!) : tf.mul(grads[n]!, scale);
  return { grads: out, norm };
}
