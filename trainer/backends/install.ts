/** Installing kernels into TF.js' registry in place of the ones a backend registered itself. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

/** A kernel to install in place of the backend's own, which it may fall back on. */
export interface KernelReplacement {
  kernelName: string;
  make(original: KernelFunc | undefined): KernelConfig;
}

export function replacing(config: KernelConfig): KernelReplacement {
  return { kernelName: config.kernelName, make: () => config };
}

export function installKernels(backendName: string, kernels: readonly KernelReplacement[]): void {
  for (const { kernelName, make } of kernels) {
    const original = tf.getKernel(kernelName, backendName);
    if (original) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(make(original?.kernelFunc));
  }
}
