/** Every TF op the importer converts, by TF op name. */
import { convOps } from './conv.js';
import { elementwiseOps } from './elementwise.js';
import { layoutOps } from './layout.js';
import { reduceOps } from './reduce.js';
import { resizeOps } from './resize.js';
import type { OpHandler } from './types.js';

export type { OpHandler } from './types.js';

export const OP_HANDLERS: Readonly<Record<string, OpHandler>> = {
  ...elementwiseOps,
  ...convOps,
  ...layoutOps,
  ...resizeOps,
  ...reduceOps,
};
