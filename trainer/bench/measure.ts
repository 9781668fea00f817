/** Timing training steps (forward + backward) of an executor on the current TF.js backend. */
import * as tf from '@tensorflow/tfjs';
import type { OnnxExecutor } from '../executor/index.js';

/** One forward + backward pass over every trainable variable; the loss touches every output. */
export function trainStep(ex: OnnxExecutor, x: tf.Tensor): void {
  const { value, grads } = tf.variableGrads(() => tf.addN(Object.values(ex.run(x)).map((o) => tf.mean(tf.square(o)))) as tf.Scalar, ex.trainableVariables());
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

export interface Timing {
  size: number;
  batch: number;
  steps: number;
  secondsPerStep: number;
  imagesPerSecond: number;
  /**
   * Process CPU time over wall time while timing. Both backends run on one thread, so well below
   * 1 means other processes took the core and the wall-clock figures are inflated.
   */
  cpuShare: number;
}

/** Runs `warmup` untimed steps (kernel set-up, heap growth), then times `steps` steps. */
export function timeSteps(ex: OnnxExecutor, size: number, batch: number, steps: number, warmup: number): Timing {
  const x = tf.randomUniform([batch, 3, size, size], 0, 255);
  try {
    for (let i = 0; i < warmup; i++) trainStep(ex, x);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < steps; i++) trainStep(ex, x);
    const wall = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    return { size, batch, steps, secondsPerStep: wall / steps, imagesPerSecond: (batch * steps) / wall, cpuShare: (cpu.user + cpu.system) / 1e6 / wall };
  } finally {
    x.dispose();
  }
}
