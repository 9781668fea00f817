/**
 * How each op type takes part in QDQ quantization, after what onnxruntime's QDQ transformers fuse
 * (onnxruntime/core/optimizer/qdq_transformer/selectors_actions): which inputs are quantized
 * activations, which are weights, and whether the output keeps the input's scale.
 */

export type OpKind =
  /** Conv/Gemm/MatMul: activation input 0, constant weights at 1 (int8 per channel), bias at 2 (int32). */
  | 'weighted'
  /** Moves or selects values without arithmetic: the output must keep the input's scale and zero point. */
  | 'passthrough'
  /** One activation in, one out, through a 256-entry table (QLinearSigmoid, QLinearLeakyRelu...). */
  | 'unary'
  /** Two activations in (QLinearAdd, QLinearMul). */
  | 'binary'
  /** Any number of activations in (QLinearConcat). */
  | 'variadic';

const KINDS: Record<string, OpKind> = {
  Conv: 'weighted',
  Gemm: 'weighted',
  MatMul: 'weighted',
  Reshape: 'passthrough',
  Transpose: 'passthrough',
  Squeeze: 'passthrough',
  Unsqueeze: 'passthrough',
  Flatten: 'passthrough',
  Slice: 'passthrough',
  Gather: 'passthrough',
  Split: 'passthrough',
  MaxPool: 'passthrough',
  Resize: 'passthrough',
  Expand: 'passthrough',
  Tile: 'passthrough',
  Sigmoid: 'unary',
  LeakyRelu: 'unary',
  AveragePool: 'unary',
  GlobalAveragePool: 'unary',
  Softmax: 'unary',
  Add: 'binary',
  Mul: 'binary',
  Concat: 'variadic',
};

/** Every op type the quantizer can put in int8. */
export const QUANTIZABLE_OPS: readonly string[] = Object.keys(KINDS).sort();

export function opKind(opType: string): OpKind | undefined {
  return KINDS[opType];
}
