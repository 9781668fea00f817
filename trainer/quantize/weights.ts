/**
 * Weight and bias quantization: int8 symmetric per output channel for weights, int32 for biases
 * with scale = input scale × weight scale, so that the integer accumulator adds the bias as is.
 */

/** Symmetric int8 weights use ±127: −128 has no positive twin and would bias the rounding. */
export const WEIGHT_QMAX = 127;
const INT32_MAX = 2 ** 31 - 1;

export interface ChannelQuantized {
  values: Int8Array;
  /** One scale per channel along `axis`. */
  scales: Float32Array;
}

/** How many channels a tensor has along `axis`, and the strides to walk them. */
function channelLayout(dims: readonly number[], axis: number): { channels: number; inner: number; outer: number } {
  if (axis < 0 || axis >= dims.length) throw new RangeError(`axis ${axis} is outside a tensor of rank ${dims.length}`);
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  return { channels, inner, outer };
}

/** Largest |w| of each channel along `axis`. */
function channelAbsMax(w: Float32Array, dims: readonly number[], axis: number): Float32Array {
  const { channels, inner, outer } = channelLayout(dims, axis);
  const max = new Float32Array(channels);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      let m = max[c]!;
      for (let i = 0; i < inner; i++) {
        const a = Math.abs(w[base + i]!);
        if (a > m) m = a;
      }
      max[c] = m;
    }
  }
  return max;
}

/**
 * Per-channel scales: max|w| / 127, raised where needed so that the channel's int32 bias
 * (|b| / (inputScale · scale)) fits, and 1 for an all-zero channel with no bias.
 */
function weightScales(absMax: Float32Array, bias?: { values: Float32Array; inputScale: number }): Float32Array {
  const scales = new Float32Array(absMax.length);
  for (let c = 0; c < absMax.length; c++) {
    let s = absMax[c]! / WEIGHT_QMAX;
    if (bias) s = Math.max(s, Math.abs(bias.values[c]!) / (bias.inputScale * INT32_MAX));
    scales[c] = s > 0 ? s : 1;
  }
  return scales;
}

/** w / scale[channel], rounded, in [−127, 127]. */
function quantizeWeights(w: Float32Array, dims: readonly number[], axis: number, scales: Float32Array): Int8Array {
  const { channels, inner, outer } = channelLayout(dims, axis);
  if (scales.length !== channels) throw new RangeError(`${scales.length} scales for ${channels} channels`);
  const q = new Int8Array(w.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      const inv = 1 / scales[c]!;
      for (let i = 0; i < inner; i++) q[base + i] = Math.max(-WEIGHT_QMAX, Math.min(WEIGHT_QMAX, Math.round(w[base + i]! * inv)));
    }
  }
  return q;
}

/** Symmetric per-channel int8 weights; `bias` lets the scales leave room for an int32 bias. */
export function quantizeWeightsPerChannel(
  w: Float32Array,
  dims: readonly number[],
  axis: number,
  bias?: { values: Float32Array; inputScale: number },
): ChannelQuantized {
  const scales = weightScales(channelAbsMax(w, dims, axis), bias);
  return { values: quantizeWeights(w, dims, axis, scales), scales };
}

/** int32 bias with per-channel scale inputScale × weightScale[c] (float32, as stored), zero point 0. */
export function quantizeBias(b: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  if (b.length !== weightScales.length) throw new RangeError(`bias of ${b.length} values for ${weightScales.length} weight channels`);
  const scales = new Float32Array(b.length);
  const values = new Int32Array(b.length);
  for (let c = 0; c < b.length; c++) {
    scales[c] = inputScale * weightScales[c]!;
    values[c] = Math.max(-INT32_MAX, Math.min(INT32_MAX, Math.round(b[c]! / scales[c]!)));
  }
  return { values, scales };
}

/**
 * Conv weights [M, C/groups, k...] with output channel m divided by `outDivide[m]` and input
 * channel c multiplied by `inMultiply[c]`: how per-channel activation factors fold into a conv.
 */
export function foldChannelFactors(
  w: Float32Array,
  dims: readonly number[],
  groups: number,
  outDivide: Float32Array | undefined,
  inMultiply: Float32Array | undefined,
): Float32Array {
  const [outChannels, perGroup] = [dims[0]!, dims[1]!];
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  const outPerGroup = outChannels / groups;
  const out = new Float32Array(w.length);
  for (let m = 0; m < outChannels; m++) {
    const g = Math.floor(m / outPerGroup);
    const rowScale = outDivide ? 1 / outDivide[m]! : 1;
    for (let k = 0; k < perGroup; k++) {
      const s = rowScale * (inMultiply ? inMultiply[g * perGroup + k]! : 1);
      const base = (m * perGroup + k) * inner;
      for (let i = base; i < base + inner; i++) out[i] = w[i]! * s;
    }
  }
  return out;
}

/**
 * Analytic bias correction (Nagel et al. 2019, data-free quantization): rounding the weights
 * moves the mean of output channel m by Σ (Ŵ − W)[m, k]·E[x_k]. The returned shift, subtracted
 * from the bias, takes that back. It matters most where inputs are far from zero-mean, as raw
 * 0..255 pixels are: there, rounding one weight by half a step moves the output by ~60 steps.
 * `w` and `q`, `scales` are Conv weights [M, C/groups, k...] before and after quantization.
 */
export function biasShift(
  w: Float32Array,
  q: Int8Array,
  scales: Float32Array,
  dims: readonly number[],
  groups: number,
  inputMeans: ArrayLike<number>,
): Float32Array {
  const [outChannels, perGroup] = [dims[0]!, dims[1]!];
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  const outPerGroup = outChannels / groups;
  const shift = new Float32Array(outChannels);
  for (let m = 0; m < outChannels; m++) {
    const g = Math.floor(m / outPerGroup);
    let sum = 0;
    for (let k = 0; k < perGroup; k++) {
      const mean = inputMeans[g * perGroup + k]!;
      const base = (m * perGroup + k) * inner;
      let err = 0;
      for (let i = base; i < base + inner; i++) err += q[i]! * scales[m]! - w[i]!;
      sum += err * mean;
    }
    shift[m] = sum;
  }
  return shift;
}
