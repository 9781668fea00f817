/**
 * One training step and the state it changes: the executor's weights, the optimizer, the EMA.
 * The loss reads the raw head the executor computes from the very graph that is deployed.
 */
import * as tf from '@tensorflow/tfjs';
import { OnnxExecutor } from '../executor/index.js';
import { floatTensor, type ModelProto } from '../onnx/index.js';
import { clipByGlobalNorm } from './clip.js';
import { ModelEma, type EmaOptions } from './ema.js';
import { familyLoss, type LossFn } from './family-loss.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';
import type { TrainableModel } from './prepare-model.js';
import { RawHead, headBranchInitializers } from './raw-head.js';
import type { Batch } from './batches.js';

export interface SessionOptions {
  optimizer: OptimizerOptions;
  /** null: no EMA, the raw weights are evaluated and exported. */
  ema: EmaOptions | null;
  /** Global gradient norm limit; 0 turns clipping off. */
  clip: number;
}

/**
 * Input RMS above which a convolution's learning rate is scaled down. Features inside a network are
 * O(1) (yolox_nano: median RMS 0.8, at most 5); a stem fed raw 0..255 pixels sees RMS ~120, so
 * after batch-norm folding its weights are ~100x more sensitive, and equal-sized optimizer steps
 * wreck a pretrained stem within one epoch. An AdamW or LAMB step has a size of its own, so the
 * output moves by lr × rms and the scale is REF / rms; an SGD step is the gradient, itself ∝ rms, so
 * the output moves by lr × rms² and the scale is (REF / rms)² (with REF / rms SGD at lr 0.002 took
 * yolox_nano's loss from 5 to 9 in an epoch; squared, it held at 5.0).
 */
const INPUT_RMS_REF = 10;

export interface StepStats {
  /** Loss terms and their `total`. */
  loss: Record<string, number>;
  foreground: number;
  gradNorm: number;
  /** The loss was not finite, so no update was made. */
  skipped: boolean;
}

export class TrainingSession {
  readonly executor: OnnxExecutor;
  readonly head: RawHead;
  readonly optimizer: Optimizer;
  readonly ema: ModelEma | null;
  /** Trainable weights by initializer name. */
  readonly params = new Map<string, tf.Variable>();
  /** Weights of the per-level head branches: all that trains while the backbone is frozen. */
  readonly headBranch: ReadonlySet<string>;
  private readonly averaged = new Map<string, tf.Variable>();
  private readonly byTfName = new Map<string, string>();
  private readonly loss: LossFn;
  /**
   * Learning-rate multipliers of convolution weights fed large inputs (see INPUT_RMS_REF), measured
   * on the first batch; saved in checkpoints so a resumed run uses the same ones.
   */
  lrScales: Map<string, number> | null = null;

  constructor(
    readonly model: TrainableModel,
    readonly options: SessionOptions,
  ) {
    this.executor = new OnnxExecutor(model.model);
    this.head = new RawHead(model.groups);
    this.loss = familyLoss(model);
    for (const [name, v] of this.executor.variables.byName) {
      if (v.role === 'constant') continue;
      this.averaged.set(name, v.variable);
      if (v.role !== 'weight') continue;
      this.params.set(name, v.variable);
      this.byTfName.set(v.variable.name, name);
    }
    const branch = headBranchInitializers(model.model.graph!, model.groups);
    this.headBranch = new Set([...this.params.keys()].filter((n) => branch.has(n)));
    const decay = new Set([...this.executor.variables.byName].filter(([n, v]) => this.params.has(n) && v.dims.length > 1).map(([n]) => n));
    this.optimizer = new Optimizer(options.optimizer, decay);
    this.ema = options.ema ? new ModelEma(this.averaged, options.ema) : null;
  }

  /** Forward, loss, backward, clip, update, EMA. `frozen` trains the head branches only. */
  step(batch: Batch, lr: number, frozen: boolean): StepStats {
    const { width, height } = this.model.input;
    const x = tf.tensor4d(batch.pixels, [batch.size, 3, height, width]);
    this.lrScales ??= this.measureScales(x);
    const names = [...this.params.keys()].filter((n) => !frozen || this.headBranch.has(n));
    let parts: Record<string, tf.Scalar> = {};
    let foreground = 0;
    try {
      const { value, grads } = tf.variableGrads(() => {
        const raw = this.head.assemble(this.executor.run(x, { outputs: this.head.tensors, training: true }));
        const l = this.loss(raw, batch.targets);
        raw.dispose();
        parts = Object.fromEntries(Object.entries(l.parts).map(([k, t]) => [k, tf.keep(t)]));
        foreground = l.foreground;
        return l.total;
      }, names.map((n) => this.params.get(n)!));
      const loss = Object.fromEntries(Object.entries(parts).map(([k, t]) => [k, t.dataSync()[0]!]));
      loss.total = value.dataSync()[0]!;
      value.dispose();
      const byName: Record<string, tf.Tensor> = {};
      for (const [tfName, g] of Object.entries(grads)) byName[this.byTfName.get(tfName)!] = g;
      if (!Number.isFinite(loss.total)) {
        tf.dispose(Object.values(grads));
        return { loss, foreground, gradNorm: NaN, skipped: true };
      }
      const clipped = this.options.clip > 0 ? clipByGlobalNorm(byName, this.options.clip) : { grads: byName, norm: NaN };
      this.optimizer.apply(this.params, clipped.grads, lr, this.lrScales);
      if (clipped.grads !== byName) tf.dispose(Object.values(clipped.grads));
      tf.dispose(Object.values(grads));
      this.ema?.update(this.averaged);
      return { loss, foreground, gradNorm: clipped.norm, skipped: false };
    } finally {
      x.dispose();
      tf.dispose(Object.values(parts));
    }
  }

  /** Multipliers for the weights of convolutions whose input RMS on `x` exceeds INPUT_RMS_REF. */
  private measureScales(x: tf.Tensor): Map<string, number> {
    const convs = (this.model.model.graph!.node ?? []).filter((n) => n.opType === 'Conv' && this.params.has(n.input?.[1] ?? ''));
    const inputs = [...new Set(convs.map((c) => c.input![0]!))];
    const outs = this.executor.run(x, { outputs: inputs });
    const rms = new Map(inputs.map((name) => [name, Math.sqrt(tf.tidy(() => tf.mean(tf.square(outs[name]!)).dataSync()[0]!))]));
    tf.dispose(Object.values(outs));
    const scales = new Map<string, number>();
    for (const c of convs) {
      const r = rms.get(c.input![0]!)!;
      if (r <= INPUT_RMS_REF) continue;
      const scale = INPUT_RMS_REF / r;
      scales.set(c.input![1]!, this.options.optimizer.kind === 'sgd' ? scale * scale : scale);
    }
    return scales;
  }

  /** The graph with the EMA weights (or the raw ones without EMA): what is evaluated and deployed. */
  deployedModel(): ModelProto {
    return this.ema ? this.withValues(this.ema.values) : this.executor.exportModel();
  }

  /** The graph with the raw weights: what a checkpoint resumes from. */
  rawModel(): ModelProto {
    return this.executor.exportModel();
  }

  /** The model with `values` (by initializer name, storage layout) in place of the variables. */
  private withValues(values: ReadonlyMap<string, tf.Tensor>): ModelProto {
    const fresh = new Map<string, ReturnType<typeof floatTensor>>();
    for (const [name, v] of this.executor.variables.byName) {
      const stored = values.get(name) ?? v.variable;
      const identity = v.perm.every((p, i) => p === i);
      const logical = identity ? stored : tf.transpose(stored, v.perm);
      fresh.set(name, floatTensor(logical.dataSync() as Float32Array, v.dims, name));
      if (!identity) logical.dispose();
    }
    const m = this.model.model;
    const graph = m.graph!;
    return { ...m, graph: { ...graph, initializer: (graph.initializer ?? []).map((t) => fresh.get(t.name ?? '') ?? t) } };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.ema?.dispose();
    this.executor.dispose();
  }
}
