/**
 * Scale and zero point of per-tensor activation quantization: real = scale · (q − zeroPoint).
 */

import type { ActivationType } from '../../models/quantization.js';

export type { ActivationType };

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

function activationRange(type: ActivationType): { qmin: number; qmax: number } {
  return type === 'uint8' ? { qmin: 0, qmax: 255 } : { qmin: -128, qmax: 127 };
}

/**
 * Asymmetric parameters covering [rmin, rmax]. The range is widened to hold 0, so that zero
 * padding and ReLU-like floors are exact in int8; an empty range (a constant 0) gets scale 1.
 * The scale is rounded to float32 first, as it is stored.
 */
export function activationParams(rmin: number, rmax: number, type: ActivationType): QuantParams {
  const { qmin, qmax } = activationRange(type);
  const lo = Math.min(rmin, 0);
  const hi = Math.max(rmax, 0);
  const scale = Math.fround((hi - lo) / (qmax - qmin));
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zeroPoint: 0 };
  const zeroPoint = Math.min(qmax, Math.max(qmin, Math.round(qmin - lo / scale)));
  return { scale, zeroPoint };
}

