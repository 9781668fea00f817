/** The resize gradients as ResizeNearestNeighborGrad / ResizeBilinearGrad kernels for wasm and CPU. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, ResizeBilinearGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { WasmHeapBackend } from '../wasm-kernels/heap.js';
import { resizeBilinearGrad, resizeNearestGrad, type ResizeGradArgs } from './math.js';

type GradFn = (a: ResizeGradArgs) => Float32Array;
type Inputs = { images: TensorInfo; dy: TensorInfo };

/** The CPU backend's storage, as its kernels use it. */
interface CpuBackendLike {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function args(inputs: Inputs, attrs: ResizeBilinearGradAttrs, dy: ArrayLike<number>): ResizeGradArgs {
  return { dy, dyShape: inputs.dy.shape, xShape: inputs.images.shape, alignCorners: attrs.alignCorners, halfPixelCenters: attrs.halfPixelCenters ?? false };
}

function wasmKernel(kernelName: string, grad: GradFn): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Inputs; backend: WasmHeapBackend; attrs: ResizeBilinearGradAttrs }) => {
    const dx = grad(args(inputs, attrs, backend.typedArrayFromHeap(inputs.dy)));
    const out = backend.makeOutput([...inputs.images.shape], 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).set(dx);
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc'] };
}

function cpuKernel(kernelName: string, grad: GradFn): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Inputs; backend: CpuBackendLike; attrs: ResizeBilinearGradAttrs }) =>
    backend.makeTensorInfo([...inputs.images.shape], 'float32', grad(args(inputs, attrs, backend.data.get(inputs.dy.dataId).values)));
  return { kernelName, backendName: 'cpu', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc'] };
}

export const wasmResizeGradKernels: readonly KernelConfig[] = [wasmKernel(tf.ResizeNearestNeighborGrad, resizeNearestGrad), wasmKernel(tf.ResizeBilinearGrad, resizeBilinearGrad)];

export const cpuResizeGradKernels: readonly KernelConfig[] = [cpuKernel(tf.ResizeNearestNeighborGrad, resizeNearestGrad), cpuKernel(tf.ResizeBilinearGrad, resizeBilinearGrad)];
