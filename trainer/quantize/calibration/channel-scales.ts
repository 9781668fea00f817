/**
 * Per-channel statistics of NCHW tensors over the calibration images: min and max give the
 * factors that even out the channel ranges of a float-boundary tensor (see graph/boundaries.ts),
 * means give the bias correction of the convolutions that read it (see weights.ts).
 */

/** Running min, max and sum of each channel (axis 1) of an NCHW tensor. */
export class ChannelStats {
  min: Float64Array = new Float64Array(0);
  max: Float64Array = new Float64Array(0);
  sum: Float64Array = new Float64Array(0);
  count = 0;

  means(): Float64Array {
    return this.sum.map((s) => s / this.count);
  }

  add(values: Float32Array, dims: readonly number[]): void {
    const channels = dims[1] ?? 1;
    const inner = dims.slice(2).reduce((a, b) => a * b, 1);
    const batch = dims[0] ?? 1;
    if (this.min.length !== channels) {
      this.min = new Float64Array(channels).fill(Infinity);
      this.max = new Float64Array(channels).fill(-Infinity);
      this.sum = new Float64Array(channels);
    }
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        let lo = this.min[c]!;
        let hi = this.max[c]!;
        let sum = 0;
        const base = (n * channels + c) * inner;
        for (let i = base; i < base + inner; i++) {
          const v = values[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          sum += v;
        }
        this.min[c] = lo;
        this.max[c] = hi;
        this.sum[c]! += sum;
      }
    }
    this.count += batch * inner;
  }
}

/** Negative shares of the common target range that are tried (1/64 … 1, by factors of 2). */
const NEGATIVE_SHARES = Array.from({ length: 7 }, (_, i) => 2 ** -(6 - i));

/**
 * Factors f_c such that channel c divided by f_c fits a common range [−ρ·M, M], M being the
 * largest channel magnitude (so the tensor keeps its size). ρ is the share of the range given to
 * negative values, picked so that the channels use as much of the int8 range as they can (the
 * mean log of each channel's share, as SQNR adds up in dB): after SiLU, most channels go down
 * to −0.28 only, and a symmetric target would leave them half the levels. An empty channel gets
 * factor 1.
 */
export function channelFactors(m: ChannelStats): Float32Array {
  const channels = m.min.length;
  let M = 0;
  for (let c = 0; c < channels; c++) M = Math.max(M, Math.abs(m.min[c]!), Math.abs(m.max[c]!));
  const factorsFor = (rho: number) => {
    const f = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const need = Math.max(m.max[c]!, -m.min[c]! / rho);
      f[c] = need > 0 && M > 0 ? need / M : 1;
    }
    return f;
  };
  const score = (rho: number, f: Float32Array) => {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const width = (m.max[c]! - m.min[c]!) / f[c]!;
      if (width > 0) sum += Math.log(width / (M * (1 + rho)));
    }
    return sum;
  };
  let best = factorsFor(1);
  let bestScore = score(1, best);
  for (const rho of NEGATIVE_SHARES) {
    const f = factorsFor(rho);
    const sc = score(rho, f);
    if (sc > bestScore) [best, bestScore] = [f, sc];
  }
  return best;
}

/** The range of the tensor once each channel is divided by its factor. */
export function scaledRange(m: ChannelStats, f: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let c = 0; c < f.length; c++) {
    lo = Math.min(lo, m.min[c]! / f[c]!);
    hi = Math.max(hi, m.max[c]! / f[c]!);
  }
  return [lo, hi];
}

/** A copy of an NCHW tensor with channel c divided by f[c]. */
export function divideChannels(values: Float32Array, dims: readonly number[], f: Float32Array): Float32Array {
  const channels = dims[1] ?? 1;
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  const out = new Float32Array(values.length);
  for (let i = 0, n = values.length / inner; i < n; i++) {
    const inv = 1 / f[i % channels]!;
    for (let j = i * inner; j < (i + 1) * inner; j++) out[j] = values[j]! * inv;
  }
  return out;
}
