/** Starting TF.js' pure-JS CPU backend, with argus' corrected resize gradients. */
import * as tf from '@tensorflow/tfjs';
import { installKernels, replacing } from './install.js';
import { cpuResizeGradKernels } from './resize-grad/kernels.js';

let installed = false;

/** Switches TF.js to the CPU backend; false when it cannot start. */
export async function startCpu(): Promise<boolean> {
  if (!(await tf.setBackend('cpu'))) return false;
  await tf.ready();
  if (!installed) {
    installKernels('cpu', cpuResizeGradKernels.map(replacing));
    installed = true;
  }
  return true;
}
