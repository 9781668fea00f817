import { CALIBRATION_METHODS, QUANTIZE_DEFAULTS, type ActivationType, type CalibrationMethod } from '../../models/quantization.js';

/** Options of `quantizeModel` / `argus quantize`; defaults in QUANTIZE_DEFAULTS. */
export interface QuantizeOptions {
  /** A folder of images, or a YOLO dataset (data yaml or folder) whose train split is used. */
  calib: string;
  /** Calibration images at most, spread evenly over what `calib` holds. */
  images?: number;
  method?: CalibrationMethod;
  /** Kept fraction of values, in percent, for the percentile method. */
  percentile?: number;
  /** Node names, or names of the tensors they write, kept float; `*` matches any run of characters. */
  exclude?: readonly string[];
  activations?: ActivationType;
  /** Op types allowed in int8. */
  ops?: readonly string[];
  /** How model.json describes the calibration images; default: `calib` as given. */
  calibDescription?: string;
}

export { CALIBRATION_METHODS, QUANTIZE_DEFAULTS };
