/** Importers from other model formats to argus' ONNX. */
export { ImportError, UnsupportedOpError, isUnsupportedOpError } from './errors.js';
export * from './tfjs-graph/index.js';
