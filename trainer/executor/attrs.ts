/** Typed reads of ONNX node attributes, with the defaults the ONNX spec gives. */
import { getAttr, toNumber, type NodeProto, type TensorProto } from '../onnx/index.js';

export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = getAttr(node, name);
  return a ? toNumber(a.i) : fallback;
}

export function floatAttr(node: NodeProto, name: string, fallback: number): number {
  const a = getAttr(node, name);
  return a ? (a.f ?? 0) : fallback;
}

export function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = getAttr(node, name);
  return a ? (a.ints ?? []).map((v) => toNumber(v)) : undefined;
}

export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const a = getAttr(node, name);
  return a ? new TextDecoder().decode(a.s ?? new Uint8Array()) : fallback;
}

export function tensorAttr(node: NodeProto, name: string): TensorProto | undefined {
  return getAttr(node, name)?.t ?? undefined;
}

/** `node 'name' (Op)` for messages. */
export function describeNode(node: NodeProto): string {
  return `node '${node.name || node.output?.[0] || '?'}' (${node.opType})`;
}
