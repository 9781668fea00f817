/** What an op implementation declares to the executor, and what it gets while running. */
import type * as tf from '@tensorflow/tfjs';
import type { NodeProto } from '../../onnx/index.js';
import { OpCheckError } from '../errors.js';
import type { HostValue, TensorValue, Value } from '../value.js';

export interface RunContext {
  readonly node: NodeProto;
  readonly opset: number;
  /** Training mode: BatchNormalization normalises with batch statistics and updates its running ones. */
  readonly training: boolean;
  /** The batch size the graph was exported with (dim 0 of its input), when it is a number. */
  readonly exportedBatch: number | undefined;
  /** Any input as a tensor; graph constants are converted once and cached. */
  tensor(v: Value): TensorValue;
  /** Overwrites the variable behind input `slot` (running statistics); ignored when it is not a variable. */
  assign(slot: number, value: tf.Tensor): void;
}

export interface OpSpec {
  /** Input slots that must be known without running TF.js (shapes, axes, sizes, scales). */
  readonly staticInputs?: readonly number[];
  /** Input slots holding learnable weights: their initializers become trainable variables. */
  readonly weightInputs?: readonly number[];
  /** Input slots holding running statistics: variables updated in training mode, never trained. */
  readonly statInputs?: readonly number[];
  /** The storage order wanted for a weight initializer at `slot` (e.g. HWIO for conv filters). */
  weightPerm?(slot: number, rank: number): readonly number[] | undefined;
  /** Output values are host values derived from input shapes only (Shape). */
  readonly shapeOnly?: boolean;
  /** Throws OpCheckError for attribute values the implementation does not support. */
  check?(node: NodeProto, opset: number): void;
  /** Evaluation when every input is a host value (shape chains, constants); folded before running. */
  host?(inputs: readonly (HostValue | undefined)[], node: NodeProto, opset: number): HostValue[];
  /** Evaluation on TF.js; omitted inputs are undefined. */
  run?(inputs: readonly (Value | undefined)[], ctx: RunContext): Value[];
}

/** A required input by slot; the executor adds the node's name to the error. */
export function required<T>(inputs: readonly (T | undefined)[], slot: number, node: NodeProto): T {
  const v = inputs[slot];
  if (v === undefined) throw new OpCheckError(`input ${slot} ('${node.input?.[slot] ?? ''}') is missing`);
  return v;
}
