/**
 * MaxPoolGrad for the WebAssembly backend, in JS on the heap. The backend's own kernel routes the
 * gradient to the wrong cells when windows reach into the padding (e.g. 3x3, stride 1, pad 1),
 * which silently corrupts every gradient upstream of an SPP block. Like TF.js' CPU kernel, each
 * output's gradient goes to the first maximum of its window in row-major order.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { WasmHeapBackend } from './heap.js';

function maxPoolGrad({ inputs, backend, attrs }: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: WasmHeapBackend; attrs: MaxPoolGradAttrs }): TensorInfo {
  const { dy, input } = inputs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const out = backend.makeOutput([...input.shape], 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const best = new Float32Array(c);
  const arg = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const h0 = i * sh - top;
      for (let j = 0; j < ow; j++) {
        const w0 = j * sw - left;
        best.fill(-Infinity);
        arg.fill(-1);
        for (let y = Math.max(0, h0); y < Math.min(h, h0 + kh); y++) {
          for (let z = Math.max(0, w0); z < Math.min(w, w0 + kw); z++) {
            const base = ((b * h + y) * w + z) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k]!;
              if (v > best[k]! || arg[k] === -1) {
                best[k] = v;
                arg[k] = base + k;
              }
            }
          }
        }
        const gBase = ((b * oh + i) * ow + j) * c;
        for (let k = 0; k < c; k++) if (arg[k]! >= 0) dx[arg[k]!] = dx[arg[k]!]! + g[gBase + k]!;
      }
    }
  }
  return out;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelConfig['kernelFunc'],
};
