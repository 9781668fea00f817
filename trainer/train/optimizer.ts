/**
 * The optimizers of detector training, written out rather than taken from TF.js so their state
 * can be saved in a checkpoint and resumed exactly, and so weight decay is applied the way the
 * reference trainers apply it (TF.js' Adam has no decoupled decay):
 * - `adamw`: Adam with decoupled weight decay (Loshchilov & Hutter), p -= lr · (m̂ / (√v̂ + ε) + wd · p);
 * - `lamb`: the AdamW step u scaled per tensor by ‖p‖ / ‖u‖ (You et al.), so every tensor moves
 *   by about lr of its own norm. Exported graphs have batch norm folded into the convolutions,
 *   which leaves weights of very different scales: yolox_nano's stem, fed raw 0..255 pixels,
 *   has weights ~100x smaller than deeper layers, and AdamW's equal-sized steps wreck it when
 *   fine-tuning classes the model already knows;
 * - `sgd`: momentum SGD with Nesterov and L2 decay, PyTorch's torch.optim.SGD form, Ultralytics'
 *   and YOLOX's default.
 * Weight decay touches convolution weights only, never biases or normalisation parameters.
 */
import * as tf from '@tensorflow/tfjs';

export const OPTIMIZERS = ['adamw', 'lamb', 'sgd'] as const;
export type OptimizerKind = (typeof OPTIMIZERS)[number];

export interface OptimizerOptions {
  kind: OptimizerKind;
  weightDecay: number;
  /** Adam's β1 / SGD's momentum. */
  momentum: number;
  /** Adam's β2. */
  beta2: number;
  epsilon: number;
}

/** What a checkpoint keeps of an optimizer: its step count and one tensor per parameter and slot. */
export interface OptimizerState {
  step: number;
  slots: Map<string, tf.Tensor>;
}

export class Optimizer {
  private steps = 0;
  /** Slot tensors by `<parameter>/<slot>`. */
  private readonly slots = new Map<string, tf.Tensor>();

  constructor(
    readonly options: OptimizerOptions,
    /** Parameters that get weight decay. */
    private readonly decay: ReadonlySet<string>,
  ) {}

  get stepCount(): number {
    return this.steps;
  }

  /**
   * One update of `params` (by name) with `grads` (same names) at learning rate `lr`, times the
   * parameter's multiplier in `scales` where it has one.
   */
  apply(params: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, scales?: ReadonlyMap<string, number> | null): void {
    this.steps++;
    for (const [name, g] of Object.entries(grads)) {
      const p = params.get(name);
      if (!p) throw new RangeError(`gradient for '${name}', which is not a parameter`);
      const wd = this.decay.has(name) ? this.options.weightDecay : 0;
      const rate = lr * (scales?.get(name) ?? 1);
      if (this.options.kind === 'sgd') this.sgd(name, p, g, rate, wd);
      else this.adam(name, p, g, rate, wd, this.options.kind === 'lamb');
    }
  }

  private slot(name: string, slot: string, like: tf.Tensor): tf.Tensor {
    const key = `${name}/${slot}`;
    let t = this.slots.get(key);
    if (!t) {
      t = tf.keep(tf.zerosLike(like));
      this.slots.set(key, t);
    }
    return t;
  }

  private replace(name: string, slot: string, value: tf.Tensor): void {
    const key = `${name}/${slot}`;
    this.slots.get(key)?.dispose();
    this.slots.set(key, tf.keep(value));
  }

  private adam(name: string, p: tf.Variable, g: tf.Tensor, lr: number, wd: number, trust: boolean): void {
    const { momentum: b1, beta2: b2, epsilon } = this.options;
    const m0 = this.slot(name, 'm', p);
    const v0 = this.slot(name, 'v', p);
    const [m, v] = tf.tidy(() => [tf.add(tf.mul(m0, b1), tf.mul(g, 1 - b1)), tf.add(tf.mul(v0, b2), tf.mul(tf.square(g), 1 - b2))]);
    this.replace(name, 'm', m!);
    this.replace(name, 'v', v!);
    const c1 = 1 - b1 ** this.steps;
    const c2 = 1 - b2 ** this.steps;
    tf.tidy(() => {
      let update = tf.div(tf.div(m!, c1), tf.add(tf.sqrt(tf.div(v!, c2)), epsilon));
      if (wd) update = tf.add(update, tf.mul(p, wd));
      let step = lr;
      if (trust) {
        // A tensor at zero (a fresh bias) takes plain Adam steps until it has a norm of its own.
        const pn = tf.norm(p).dataSync()[0]!;
        const un = tf.norm(update).dataSync()[0]!;
        if (pn > 0 && un > 0) step = lr * (pn / un);
      }
      p.assign(tf.sub(p, tf.mul(update, step)));
    });
  }

  private sgd(name: string, p: tf.Variable, g: tf.Tensor, lr: number, wd: number): void {
    const mu = this.options.momentum;
    const buf0 = this.slot(name, 'momentum', p);
    const grad = tf.tidy(() => (wd ? tf.add(g, tf.mul(p, wd)) : tf.clone(g)));
    const buf = tf.tidy(() => tf.add(tf.mul(buf0, mu), grad));
    this.replace(name, 'momentum', buf);
    tf.tidy(() => p.assign(tf.sub(p, tf.mul(tf.add(grad, tf.mul(buf, mu)), lr))));
    grad.dispose();
  }

  state(): OptimizerState {
    return { step: this.steps, slots: new Map(this.slots) };
  }

  /** Restores a saved state; the tensors become the optimizer's own. */
  load(state: OptimizerState): void {
    this.dispose();
    this.steps = state.step;
    for (const [k, t] of state.slots) this.slots.set(k, tf.keep(t));
  }

  dispose(): void {
    for (const t of this.slots.values()) t.dispose();
    this.slots.clear();
  }
}
