import { ArgusError } from '../../models/errors.js';

/** Training cannot start or go on: a model, option or checkpoint that does not fit. */
export class TrainError extends ArgusError {}
