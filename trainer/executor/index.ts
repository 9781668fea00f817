/** Running ONNX graphs differentiably on TensorFlow.js, for training what gets deployed. */
export { OnnxExecutor } from './executor.js';
export type { ExecutorOptions, RunOptions } from './executor.js';
export { GraphVariables } from './variables.js';
export type { GraphVariable, NameFilter, TrainableOptions } from './variables.js';
export { GraphError, UnsupportedOpsError, isUnsupportedOpsError } from './errors.js';
export type { UnsupportedNode } from './errors.js';
export { OPS } from './ops/index.js';
