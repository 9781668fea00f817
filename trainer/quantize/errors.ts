import { ArgusError } from '../../models/errors.js';

/** A model that cannot be quantized as asked: what stops it, and where. */
export class QuantizeError extends ArgusError {}
