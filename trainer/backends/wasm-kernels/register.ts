/**
 * What argus adds to TF.js' WebAssembly backend: the gradient kernels it ships without
 * (Conv2DBackpropFilter, the depthwise backprop kernels), a Conv2DBackpropInput built on XNNPACK
 * instead of its plain loop, correct MaxPoolGrad and resize gradients (the backend's own route
 * gradients to the wrong cells), and data-movement kernels and a bias-gradient sum that do not
 * copy what they need not.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import { installKernels, replacing } from '../install.js';
import { wasmResizeGradKernels } from '../resize-grad/kernels.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { castReplacement, identityReplacement, sliceReplacement, splitVReplacement, transposeReplacement } from './data-movement.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { sumReplacement } from './sum.js';

export const WASM_GRADIENT_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  maxPoolGradConfig,
  ...wasmResizeGradKernels,
];

let installed = false;

/** Registers argus' wasm kernels in place of any the backend has; once per process. */
export function registerWasmKernels(): void {
  if (installed) return;
  installed = true;
  installKernels('wasm', [...WASM_GRADIENT_KERNELS.map(replacing), identityReplacement, castReplacement, sliceReplacement, splitVReplacement, transposeReplacement, sumReplacement]);
}
