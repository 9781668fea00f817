import './families/index.js';

export * from './boxes.js';
export * from './errors.js';
export type { DecodeContext, ModelFamily, OutputShape, RawTensor } from './family.js';
export * from './labels.js';
export * from './letterbox.js';
export * from './manifest.js';
export * from './nms.js';
export * from './paths.js';
export * from './preprocess-spec.js';
export { familyNames, getFamily, registerFamily } from './registry.js';
export * from './store.js';
