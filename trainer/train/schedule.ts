/**
 * The learning rate at each optimizer step: a linear warmup from `warmupStart` × lr, then a
 * cosine decay from lr to `final` × lr at the last step (Ultralytics' cos_lr, YOLOX's
 * warmcos, stepped per batch rather than per epoch so short runs decay smoothly).
 */
export interface ScheduleOptions {
  /** Peak learning rate. */
  lr: number;
  /** Steps of linear warmup. */
  warmupSteps: number;
  /** Learning rate at step 0, as a fraction of `lr`. */
  warmupStart: number;
  /** Learning rate at the last step, as a fraction of `lr`. */
  final: number;
  /** Steps in the whole run (warmup included). */
  totalSteps: number;
}

export function learningRate(step: number, o: ScheduleOptions): number {
  if (step < o.warmupSteps) return o.lr * (o.warmupStart + (1 - o.warmupStart) * (step / o.warmupSteps));
  const decaySteps = Math.max(o.totalSteps - o.warmupSteps, 1);
  const t = Math.min((step - o.warmupSteps) / decaySteps, 1);
  return o.lr * (o.final + (1 - o.final) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
