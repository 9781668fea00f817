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
}
