import { ArgusError } from '../../models/errors.js';

/** Something about a graph that the executor cannot run; names the node where it knows one. */
export class GraphError extends ArgusError {}

/** One node the executor cannot run, and why. */
export interface UnsupportedNode {
  op: string;
  node: string;
  reason: string;
}

/**
 * Every node of a graph the executor cannot run, found when the graph is compiled, so a training
 * run fails before it starts rather than at the first batch.
 */
export class UnsupportedOpsError extends GraphError {
  constructor(readonly nodes: readonly UnsupportedNode[]) {
    const lines = nodes.map((n) => `  ${n.op} in node '${n.node}': ${n.reason}`);
    super(`the trainer cannot run ${nodes.length} node(s) of this graph:\n${lines.join('\n')}`);
  }
}

/** An op-level problem (unsupported attribute value, bad input) found while checking a node. */
export class OpCheckError extends Error {}

export function isUnsupportedOpsError(e: unknown): e is UnsupportedOpsError {
  return e instanceof UnsupportedOpsError;
}
