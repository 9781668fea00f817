import type { ConvertContext, Value } from '../context.js';
import type { TfNode } from '../model-json.js';

/** Converts one TF node whose inputs are known Values; returns its outputs in order. */
export type OpHandler = (ctx: ConvertContext, node: TfNode, inputs: Value[]) => Value[];
