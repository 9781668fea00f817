/**
 * Exponential moving average of the weights (and batch-norm statistics), the weights that get
 * evaluated and deployed: ema = d · ema + (1 − d) · w after every step, with the decay ramping up
 * as d = decay · (1 − e^(−updates / tau)) so the average follows the fast early changes
 * (Ultralytics' ModelEMA, YOLOX's ModelEMA).
 */
import * as tf from '@tensorflow/tfjs';

export interface EmaOptions {
  /** Decay once warmed up. Default 0.9999. */
  decay: number;
  /** Updates over which the decay ramps up. Default 2000. */
  tau: number;
}

export class ModelEma {
  /** Averaged values by name, in the variables' storage layout. */
  readonly values = new Map<string, tf.Tensor>();

  constructor(
    source: ReadonlyMap<string, tf.Variable>,
    readonly options: EmaOptions,
    /** Updates already made (when resuming). */
    public updates = 0,
  ) {
    for (const [name, v] of source) this.values.set(name, tf.keep(tf.clone(v)));
  }

  decayAt(updates: number): number {
    return this.options.decay * (1 - Math.exp(-updates / this.options.tau));
  }

  update(source: ReadonlyMap<string, tf.Variable>): void {
    this.updates++;
    const d = this.decayAt(this.updates);
    for (const [name, v] of source) {
      const old = this.values.get(name);
      if (!old) throw new RangeError(`EMA has no value for '${name}'`);
      this.values.set(name, tf.keep(tf.tidy(() => tf.add(tf.mul(old, d), tf.mul(v, 1 - d)))));
      old.dispose();
    }
  }

  /** Replaces the averaged values (resuming); the tensors become the EMA's own. */
  load(values: ReadonlyMap<string, tf.Tensor>, updates: number): void {
    for (const [name, t] of values) {
      if (!this.values.has(name)) throw new RangeError(`saved EMA value '${name}' is not a model variable`);
      this.values.get(name)!.dispose();
      this.values.set(name, tf.keep(t));
    }
    this.updates = updates;
  }

  dispose(): void {
    for (const t of this.values.values()) t.dispose();
    this.values.clear();
  }
}
