import * as tf from '@tensorflow/tfjs';

/** The losses' tests run on TF.js' pure-JS CPU backend, which is always there. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export function value(t: tf.Tensor): number {
  return t.dataSync()[0]!;
}

export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

export function near(actual: number, expected: number, tolerance: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${what}: ${actual} is not within ${tolerance} of ${expected}`);
}
