/**
 * Composing WebAssembly kernels inside a kernel: each step calls another registered wasm kernel
 * directly (as the backends' own composite kernels do), and every intermediate is released when
 * the composite returns.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** The part of the wasm backend the composites use. */
export interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

export class KernelScope {
  private readonly made: TensorInfo[] = [];

  constructor(readonly backend: WasmBackendLike) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: object = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (!kernel) throw new Error(`wasm kernel '${kernelName}' is not registered`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend as never, attrs: attrs as NamedAttrMap }) as TensorInfo;
    this.made.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  zeros(shape: number[]): TensorInfo {
    return this.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
  }

  /** Crops the NHWC spatial axes by [top, bottom, left, right] (all >= 0). */
  crop(x: TensorInfo, c: readonly number[]): TensorInfo {
    if (c.every((v) => v === 0)) return x;
    const [n, h, w, ch] = x.shape as [number, number, number, number];
    return this.run('Slice', { x }, { begin: [0, c[0], c[2], 0], size: [n, h - c[0]! - c[1]!, w - c[2]! - c[3]!, ch] });
  }

  /**
   * Spreads an NHWC tensor's rows and columns `stride` apart with zeros between, the input of a
   * strided convolution's transpose. Each row and column gets its trailing zeros, the last ones too.
   */
  dilate(x: TensorInfo, [sh, sw]: readonly number[]): TensorInfo {
    if (sh === 1 && sw === 1) return x;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const spread = this.run('PadV2', { x: this.reshape(x, [n, h, 1, w, 1, c]) }, { paddings: [[0, 0], [0, 0], [0, sh! - 1], [0, 0], [0, sw! - 1], [0, 0]], constantValue: 0 });
    return this.reshape(spread, [n, h * sh!, w * sw!, c]);
  }

  /** Releases every intermediate but `result` (a reshape of one keeps its data alive). */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}

/** Explicit TF.js padding for the NHWC spatial axes, from [top, bottom, left, right]. */
export function explicitPad(p: readonly number[]): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [p[0]!, p[1]!],
    [p[2]!, p[3]!],
    [0, 0],
  ];
}

/** Whether cropping by [top, bottom, left, right] leaves nothing of an NHWC tensor's rows or columns. */
export function cropsAll(x: TensorInfo, crop: readonly number[]): boolean {
  return x.shape[1]! - crop[0]! - crop[1]! <= 0 || x.shape[2]! - crop[2]! - crop[3]! <= 0;
}

/** Splits pads that may be negative into a crop and the remaining (non-negative) pads. */
export function splitPads(p: readonly number[]): { crop: number[]; pad: number[] } {
  return { crop: p.map((v) => Math.max(0, -v)), pad: p.map((v) => Math.max(0, v)) };
}
