/**
 * Calibration: the fp32 model runs over the calibration images and each tensor to calibrate is
 * reduced, image by image, to a running min/max or a histogram, so memory stays bounded however
 * many images there are. Percentile and entropy take two passes: the first finds each tensor's
 * range, the second fills a histogram over it.
 */
import type { PreprocessSpec } from '../../../models/preprocess-spec.js';
import type { ModelProto } from '../../onnx/index.js';
import { QuantizeError } from '../errors.js';
import { ActivationRunner, type ModelInput, type Observer } from './activations.js';
import { ChannelStats, channelFactors, divideChannels, scaledRange } from './channel-scales.js';
import { MinMax, type Histogram } from './histogram.js';
import { entropyRange, histogramFor, minMaxRange, percentileRange, type CalibrationMethod, type Range } from './methods.js';

/** Per-channel factors that differ less than this are dropped (see the `factors` result). */
const MIN_FACTOR_SPREAD = 2;

export interface CalibrationInput {
  /** The prepared fp32 model; it is not changed (a copy gets the extra outputs). */
  model: ModelProto;
  input: ModelInput;
  preprocess: PreprocessSpec;
  /** Tensors to calibrate: graph inputs or node outputs. */
  tensors: readonly string[];
  /** Of those, the NCHW tensors that get per-channel factors (float boundaries). */
  channelwise: ReadonlySet<string>;
  /** NCHW tensors whose per-channel means are wanted (convolution inputs, for bias correction). */
  means: ReadonlySet<string>;
  images: readonly string[];
  method: CalibrationMethod;
  /** For the percentile method. */
  percentile: number;
}

export interface CalibrationResult {
  /** Range of each tensor; for a channelwise tensor, of the tensor divided by its factors. */
  ranges: Map<string, Range>;
  /** Per-channel factors of the channelwise tensors whose channel ranges differ enough to need them. */
  factors: Map<string, Float32Array>;
  /** Per-channel means of the `means` tensors. */
  means: Map<string, Float64Array>;
  images: number;
  skipped: { file: string; reason: string }[];
  seconds: number;
}

export async function calibrate(c: CalibrationInput): Promise<CalibrationResult> {
  const t0 = performance.now();
  const runner = await ActivationRunner.open(c.model, c.input, c.preprocess, [...c.tensors, ...c.means]);
  let good = [...c.images];
  const pass = async (label: string, observe: Observer) => {
    good = await runner.pass(label, good, observe);
  };

  try {
    const minMax = new Map(c.tensors.map((t) => [t, new MinMax()]));
    const channelStats = new Map([...c.channelwise, ...c.means].map((t) => [t, new ChannelStats()]));
    await pass('calibrate', (name, values, dims) => {
      channelStats.get(name)?.add(values, dims);
      if (!c.channelwise.has(name)) minMax.get(name)?.add(values);
    });
    if (!good.length) throw new QuantizeError(`none of the ${c.images.length} calibration images could be read (see the warnings above)`);
    const factors = new Map<string, Float32Array>();
    for (const t of c.channelwise) {
      const stats = channelStats.get(t)!;
      const f = channelFactors(stats);
      // Channels this close share one scale at no loss, and the tensor saves its float Mul.
      if (Math.max(...f) / Math.min(...f) > MIN_FACTOR_SPREAD) factors.set(t, f);
      // Channelwise tensors are calibrated as the int8 side sees them: divided by their factors.
      [minMax.get(t)!.min, minMax.get(t)!.max] = scaledRange(stats, factors.get(t) ?? new Float32Array(f.length).fill(1));
    }
    const means = new Map([...c.means].map((t) => [t, channelStats.get(t)!.means()]));
    let ranges: Map<string, Range>;
    if (c.method === 'minmax') {
      ranges = new Map([...minMax].map(([t, m]) => [t, minMaxRange(m)]));
    } else {
      const histograms = new Map<string, Histogram>([...minMax].map(([t, m]) => [t, histogramFor(m)]));
      await pass(`calibrate (${c.method})`, (name, values, dims) => {
        const f = factors.get(name);
        histograms.get(name)?.add(f ? divideChannels(values, dims, f) : values);
      });
      ranges = new Map(
        [...histograms].map(([t, h]) => [t, c.method === 'percentile' ? percentileRange(h, c.percentile) : entropyRange(h)]),
      );
    }
    return { ranges, factors, means, images: good.length, skipped: runner.skipped, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await runner.close();
  }
}

/** Per-channel statistics of NCHW tensors over the images, in one pass; also says which images could be read. */
export async function channelStatistics(
  model: ModelProto,
  input: ModelInput,
  preprocess: PreprocessSpec,
  tensors: readonly string[],
  images: readonly string[],
): Promise<{ stats: Map<string, ChannelStats>; readable: string[]; skipped: { file: string; reason: string }[] }> {
  const runner = await ActivationRunner.open(model, input, preprocess, tensors);
  try {
    const stats = new Map(tensors.map((t) => [t, new ChannelStats()]));
    const readable = await runner.pass('equalize', images, (name, values, dims) => stats.get(name)!.add(values, dims));
    return { stats, readable, skipped: runner.skipped };
  } finally {
    await runner.close();
  }
}
