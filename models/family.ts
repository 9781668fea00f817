import type { z } from 'zod';
import type { Candidate } from './boxes.js';
import type { PreprocessSpec } from './preprocess-spec.js';

/** A raw output tensor, independent of the inference runtime. */
export interface RawTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Name and shape of a model output as the runtime reports it (dims may be symbolic). */
export interface OutputShape {
  name: string;
  shape: readonly (number | string)[];
}

export interface DecodeContext<H> {
  inputWidth: number;
  inputHeight: number;
  numClasses: number;
  head: H;
  /** Candidates scoring below this are dropped before NMS. */
  scoreThreshold: number;
  /** One candidate per (box, class) over the threshold instead of the best class only (for mAP). */
  multiLabel: boolean;
}

/**
 * What int8 quantization must leave in float. The head's last convolutions emit raw predictions
 * (class logits, box regressions, distance distributions); everything downstream of them is the
 * decode tail (sigmoid, concatenation of boxes and scores, DFL softmax, grid arithmetic), which
 * stays float: one int8 scale cannot hold pixel boxes and 0..1 scores together.
 */
export interface QuantizationHint<H> {
  /**
   * Output channel counts of the head's last convolutions, by which the quantizer finds them.
   * Everything after them stays float.
   */
  headOutputChannels(head: H, numClasses: number): number[];
  /**
   * Convolutions whose output is finer than this stride (the stem) stay float. For families
   * whose early layers lose too much in int8; default: none.
   */
  floatStemBelowStride?: number;
}

/**
 * A model family: how to prepare its input and how to turn its raw outputs into boxes.
 * Families own their head parameters, validated by `headSchema` inside model.json's `head`.
 */
export interface ModelFamily<H = unknown> {
  readonly name: string;
  readonly description: string;
  readonly headSchema: z.ZodType<H>;
  /** Preprocessing the reference exports of this family use. */
  defaultPreprocess(): PreprocessSpec;
  defaultHead(): H;
  /**
   * Throws an Error whose message says what does not fit when the outputs cannot belong to
   * this family with this head and class count.
   */
  checkOutputs(outputs: readonly OutputShape[], ctx: Omit<DecodeContext<H>, 'scoreThreshold' | 'multiLabel'>): void;
  /** Raw outputs (in the session's output order) -> candidates in model-input pixels. */
  decode(outputs: readonly RawTensor[], ctx: DecodeContext<H>): Candidate[];
  /**
   * Optional: names the decode tail for int8 quantization. Without it, the quantizer keeps in
   * float whatever follows the last convolution on every path to the outputs.
   */
  readonly quantization?: QuantizationHint<H>;
}
