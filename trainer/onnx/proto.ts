/**
 * The one place that loads the ONNX protobuf classes (onnx-proto, a CommonJS package).
 * Everything else in argus imports `onnx` and the type aliases from here.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxNs } from 'onnx-proto';

export const onnx = onnxProto.onnx;

export type ModelProto = OnnxNs.IModelProto;
export type GraphProto = OnnxNs.IGraphProto;
export type NodeProto = OnnxNs.INodeProto;
export type TensorProto = OnnxNs.ITensorProto;
export type AttributeProto = OnnxNs.IAttributeProto;
export type ValueInfoProto = OnnxNs.IValueInfoProto;

/** ONNX element types (TensorProto.DataType) used by argus. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k.toLowerCase()]));

/** 'float', 'int64', ... for messages; 'type N' for codes argus does not name. */
export function dataTypeName(code: number): string {
  return DATA_TYPE_NAMES[code] ?? `type ${code}`;
}

/** protobufjs decodes int64 fields as numbers or Long objects depending on size; this gives a number. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
