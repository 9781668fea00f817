/** Every op the executor runs, by ONNX op type (default domain). */
import { batchNormOps } from './batch-norm.js';
import { constantOps } from './constant-ops.js';
import { convOps } from './conv.js';
import { elementwiseOps } from './elementwise.js';
import type { OpSpec } from './op.js';
import { poolOps } from './pool.js';
import { resizeOps } from './resize.js';
import { shapeOps } from './shape-ops.js';
import { sliceOps } from './slice.js';
import { softmaxOps } from './softmax.js';

function buildRegistry(groups: readonly Record<string, OpSpec>[]): ReadonlyMap<string, OpSpec> {
  const ops = new Map<string, OpSpec>();
  for (const group of groups) {
    for (const [name, spec] of Object.entries(group)) {
      if (ops.has(name)) throw new Error(`op '${name}' is registered twice`);
      ops.set(name, spec);
    }
  }
  return ops;
}

export const OPS = buildRegistry([batchNormOps, constantOps, convOps, elementwiseOps, poolOps, resizeOps, shapeOps, sliceOps, softmaxOps]);

export type { OpSpec, RunContext } from './op.js';
