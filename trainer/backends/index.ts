/** TF.js backends for training: selection, and the WebAssembly gradient kernels argus adds. */
export { BACKENDS, selectBackend } from './select.js';
export type { BackendChoice, BackendName, BackendOptions } from './select.js';
export { startCpu } from './cpu.js';
export { startWasm, wasmBinaryFolder } from './wasm.js';
export { registerWasmKernels, WASM_GRADIENT_KERNELS } from './wasm-kernels/register.js';
export { BackendError } from './errors.js';
