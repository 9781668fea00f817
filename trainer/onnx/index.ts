/** ONNX graph tools on onnx-proto: model files, tensors, a graph builder and generic rewrites. */
export { onnx, DataType, dataTypeName, toNumber } from './proto.js';
export type { ModelProto, GraphProto, NodeProto, TensorProto, AttributeProto, ValueInfoProto, DataTypeCode } from './proto.js';
export { readModel, writeModel, encodeModel, decodeModel } from './model-io.js';
export {
  makeTensor,
  floatTensor,
  int64Tensor,
  int32Tensor,
  readTensor,
  tensorToFloat32,
  tensorToNumbers,
  float16BitsToFloat32,
  elementCount,
} from './tensor.js';
export type { TensorData, TensorValue } from './tensor.js';
export { GraphBuilder, attr, valueInfo, makeModel } from './graph-builder.js';
export type { Attrs, NodeOptions, ModelOptions } from './graph-builder.js';
export { indexGraph, getAttr, getIntsAttr, setAttr, renameTensor, removeDeadNodes, fusePads, fuseConvBias, sortTopologically, countOps } from './graph-utils.js';
export type { GraphIndex } from './graph-utils.js';
