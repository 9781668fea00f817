/** Importer from TensorFlow.js graph models to ONNX. */
export { importTfjsGraphModel, convertTfjsGraphModel, supportedOps } from './import.js';
export type { TfjsImportOptions, TfjsImportResult, TensorDesc } from './import.js';
export { readTfjsGraphModel, toModelArtifacts } from './model-json.js';
export type { TfjsGraphModelFiles, TfjsGraphModelJson, TfNode, WeightSpec } from './model-json.js';
export { decodeWeights, decodeFloat16 } from './weights.js';
