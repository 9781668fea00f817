/** Reading TF node attributes from model.json (strings are base64, ints may be strings). */
import type { TfNode } from './model-json.js';

export function hasAttr(node: TfNode, name: string): boolean {
  return node.attr?.[name] !== undefined;
}

export function attrString(node: TfNode, name: string, def = ''): string {
  const s = node.attr?.[name]?.s;
  return s === undefined ? def : Buffer.from(s, 'base64').toString('utf8');
}

export function attrInt(node: TfNode, name: string, def = 0): number {
  const i = node.attr?.[name]?.i;
  return i === undefined ? def : Number(i);
}

export function attrFloat(node: TfNode, name: string, def = 0): number {
  const f = node.attr?.[name]?.f;
  return f === undefined ? def : Number(f);
}

export function attrBool(node: TfNode, name: string, def = false): boolean {
  const b = node.attr?.[name]?.b;
  return b === undefined ? def : Boolean(b);
}

export function attrInts(node: TfNode, name: string, def: number[] = []): number[] {
  const l = node.attr?.[name]?.list;
  if (!l) return def;
  return (l.i ?? []).map(Number);
}

export function attrStrings(node: TfNode, name: string): string[] {
  return (node.attr?.[name]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

export function attrType(node: TfNode, name: string): string | undefined {
  return node.attr?.[name]?.type;
}

/** The shape attr (Placeholder 'shape'); -1 for unknown dims, undefined for unknown rank. */
export function attrShape(node: TfNode, name: string): number[] | undefined {
  const s = node.attr?.[name]?.shape;
  if (!s || s.unknownRank) return undefined;
  return (s.dim ?? []).map((d) => Number(d.size ?? -1));
}
