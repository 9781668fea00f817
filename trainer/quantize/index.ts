/** int8 post-training quantization: static QDQ, calibrated activations, fp32/int8 report. */
export { quantizeModel, INT8_FILE } from './quantize-model.js';
export type { QuantizeResult } from './quantize-model.js';
export { QUANTIZE_DEFAULTS, CALIBRATION_METHODS } from './options.js';
export type { QuantizeOptions } from './options.js';
export { ACTIVATION_TYPES } from '../../models/quantization.js';
export type { ActivationType } from './qparams.js';
export { QUANTIZABLE_OPS } from './graph/op-kinds.js';
export { QuantizeError } from './errors.js';
export { compareModels } from './report/compare.js';
export type { QuantizeReport, CompareOptions } from './report/compare.js';
export { formatQuantization, formatReport } from './report/format.js';
export { recordReport } from './report/record.js';
