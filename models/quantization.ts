/**
 * How an int8 file is made: the choices `argus quantize` offers and their defaults. Here in the
 * model contract, with no dependencies, so the CLI can list them without loading the trainer
 * (which a device bundle does not ship).
 */

/** Calibration methods (see trainer/quantize/calibration/methods.ts). */
export const CALIBRATION_METHODS = ['minmax', 'percentile', 'entropy'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

/** Activation element types: uint8 (U8S8, what x86 integer kernels take) or int8 (S8S8, native on Arm). */
export const ACTIVATION_TYPES = ['uint8', 'int8'] as const;
export type ActivationType = (typeof ACTIVATION_TYPES)[number];

export const QUANTIZE_DEFAULTS = {
  /** Calibration memory does not grow with it (see calibration/collect.ts), only the time. */
  images: 200,
  /**
   * Best on both reference models (coco128 val mAP@0.5:0.95, minmax / percentile 99.99 / entropy):
   * nanodet_m_416 25.3 / 24.6 / 24.6, yolox_nano 33.8 / 33.3 / 33.7 (fp32 25.5 and 34.1).
   */
  method: 'minmax' as CalibrationMethod,
  percentile: 99.99,
  /** onnxruntime's x86 integer kernels take uint8 activations (int8 ones are converted first). */
  activations: 'uint8' as ActivationType,
  /**
   * What runs in int8, measured per op type with onnxruntime's profiler on x86 (AVX-512 VNNI,
   * 1 thread, onnxruntime 1.30; see README "Quantize"):
   * - Conv (and Gemm, MatMul): QLinearConv runs nanodet_m_416's convolutions in 0.45x their fp32 time;
   * - LeakyRelu, Add, Concat, MaxPool, Resize and the data movers (Reshape, Transpose, Split,
   *   Slice, Squeeze, Unsqueeze, Flatten) keep int8 flowing between convolutions, each cheaper
   *   than the dequantize + quantize that leaving int8 would take (Concat shares one scale and
   *   just copies bytes);
   * - Sigmoid and Mul stay float: SiLU as QLinearSigmoid + QLinearMul runs 1.75x slower than
   *   fp32's fused x·sigmoid(x), and yolox_nano all in int8 that way scored 12.8 mAP@0.5:0.95
   *   against 34.1 on coco128 val; float, SiLU runs as one QuickGelu between per-channel Q/DQ.
   */
  ops: ['Conv', 'Gemm', 'MatMul', 'LeakyRelu', 'Add', 'Concat', 'MaxPool', 'Resize', 'Reshape', 'Transpose', 'Split', 'Slice', 'Squeeze', 'Unsqueeze', 'Flatten'] as readonly string[],
};
