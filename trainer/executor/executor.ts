/**
 * Runs an ONNX graph differentiably on TF.js: initializers are variables, any named tensor can be
 * read out, and the trained values go back into the same graph under the same names.
 *
 * ```ts
 * await selectBackend();                          // tfjs-node(-gpu) > wasm > cpu
 * const ex = await OnnxExecutor.load('yolox_nano.onnx', { frozen: /^backbone\./ });
 * const opt = tf.train.adam(1e-3);
 * opt.minimize(() => {
 *   const out = ex.run(images, { outputs: ['raw_head_0', 'raw_head_1'], training: true });
 *   return myLoss(out, targets);                    // raw NCHW head outputs, before sigmoid
 * }, false, ex.trainableVariables());
 * await ex.save('yolox_nano.trained.onnx');       // same graph, trained initializers
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { readModel, writeModel, type ModelProto, type NodeProto } from '../onnx/index.js';
import { describeNode } from './attrs.js';
import { GraphError } from './errors.js';
import { identity, NHWC } from './layout.js';
import type { RunContext } from './ops/index.js';
import { compilePlan, type Plan, type PlannedNode } from './plan.js';
import { hostToTensor, materialize, shapeOf, tensorValue, type HostValue, type TensorValue, type Value } from './value.js';
import { GraphVariables, type TrainableOptions } from './variables.js';

export type ExecutorOptions = TrainableOptions;

export interface RunOptions {
  /** Tensor names to return (graph outputs or any intermediate); default: the graph outputs. */
  outputs?: readonly string[];
  /** Training mode (BatchNormalization uses and updates batch statistics); default false. */
  training?: boolean;
  /**
   * Layout of the fed image tensors: 'NCHW' as the graph declares (default), or 'NHWC', which
   * saves the executor one transpose per batch.
   */
  inputLayout?: 'NCHW' | 'NHWC';
}

export class OnnxExecutor {
  readonly plan: Plan;
  readonly variables: GraphVariables;
  /** Graph constants converted to tensors once, kept until dispose(). */
  private readonly constTensors = new Map<HostValue, tf.Tensor>();
  private readonly schedules = new Map<string, PlannedNode[]>();
  private readonly constantValues: ReadonlySet<HostValue>;

  /** Compiles `model`; throws UnsupportedOpsError listing every node it cannot run. */
  constructor(
    readonly model: ModelProto,
    opts: ExecutorOptions = {},
  ) {
    this.plan = compilePlan(model);
    this.variables = new GraphVariables(this.plan.variables, opts);
    this.constantValues = new Set(this.plan.constants.values());
  }

  static async load(file: string, opts: ExecutorOptions = {}): Promise<OnnxExecutor> {
    return new OnnxExecutor(await readModel(file), opts);
  }

  get inputNames(): string[] {
    return this.plan.inputs.map((i) => i.name);
  }

  get outputNames(): string[] {
    return [...this.plan.outputs];
  }

  /** The variables an optimizer should update. */
  trainableVariables(): tf.Variable[] {
    return this.variables.trainable();
  }

  /**
   * Runs the nodes needed for `opts.outputs` and returns them in the ONNX layout. Intermediate
   * tensors are released; under tf.variableGrads the ones backprop needs are kept by TF.js. The
   * outputs are the caller's to dispose: one that would be a feed or a tensor the executor keeps (a
   * graph input or initializer asked for by name) goes out as a clone.
   */
  run(feeds: tf.Tensor | Record<string, tf.Tensor>, opts: RunOptions = {}): Record<string, tf.Tensor> {
    const wanted = opts.outputs ?? this.plan.outputs;
    const schedule = this.schedule(wanted);
    const held = new Set<tf.Tensor>([...(feeds instanceof tf.Tensor ? [feeds] : Object.values(feeds)), ...this.constTensors.values()]);
    for (const v of this.variables.byName.values()) held.add(v.variable);
    return tf.tidy(() => {
      const values = new Map<string, Value>();
      this.feed(feeds, opts.inputLayout ?? 'NCHW', values);
      for (const p of schedule) this.step(p, values, opts.training ?? false);
      const out: Record<string, tf.Tensor> = {};
      for (const name of wanted) {
        const v = this.lookup(name, values, false);
        if (!v) throw new GraphError(`no tensor named '${name}' in the graph`);
        const t = v.kind === 'host' ? hostToTensor(v) : materialize(v);
        out[name] = held.has(t) ? tf.clone(t) : t;
      }
      return out;
    });
  }

  /** A copy of the model whose initializers hold the variables' current values. */
  exportModel(): ModelProto {
    const fresh = new Map(this.variables.toInitializers().map((t) => [t.name!, t]));
    const graph = this.model.graph!;
    return { ...this.model, graph: { ...graph, initializer: (graph.initializer ?? []).map((t) => fresh.get(t.name ?? '') ?? t) } };
  }

  async save(file: string): Promise<void> {
    await writeModel(file, this.exportModel());
  }

  dispose(): void {
    this.variables.dispose();
    for (const t of this.constTensors.values()) t.dispose();
    this.constTensors.clear();
  }

  private feed(feeds: tf.Tensor | Record<string, tf.Tensor>, layout: 'NCHW' | 'NHWC', values: Map<string, Value>): void {
    const byName = feeds instanceof tf.Tensor ? { [this.plan.inputs[0]?.name ?? '']: feeds } : feeds;
    for (const input of this.plan.inputs) {
      const t = byName[input.name];
      if (!t) throw new GraphError(`input '${input.name}' is missing from the feeds`);
      const nhwc = layout === 'NHWC' && t.rank === 4;
      const v = tensorValue(t, nhwc ? NHWC : identity(t.rank));
      const shape = shapeOf(v);
      if (input.dims.length && shape.length !== input.dims.length) throw new GraphError(`input '${input.name}' has rank ${shape.length}, the graph expects ${input.dims.length}`);
      if (shape.length === 4 && input.dims[1] !== undefined && shape[1] !== input.dims[1]) {
        throw new GraphError(`input '${input.name}' has ${shape[1]} channels (${layout}), the graph expects ${input.dims[1]}`);
      }
      values.set(input.name, v);
    }
  }

  private step(p: PlannedNode, values: Map<string, Value>, training: boolean): void {
    const { node, spec } = p;
    const staticSlots = spec.staticInputs ?? [];
    const inputs = (node.input ?? []).map((name, slot) => (name ? this.lookup(name, values, staticSlots.includes(slot)) : undefined));
    let outs: Value[];
    try {
      outs = p.mode === 'host' ? spec.host!(inputs as (HostValue | undefined)[], node, this.plan.opset) : spec.run!(inputs, this.context(node, training));
    } catch (e) {
      if (e instanceof GraphError) throw e;
      throw new GraphError(`${describeNode(node)}: ${(e as Error).message}`, { cause: e });
    }
    (node.output ?? []).forEach((o, k) => {
      if (o && outs[k]) values.set(o, outs[k]!);
    });
  }

  private context(node: NodeProto, training: boolean): RunContext {
    return {
      node,
      opset: this.plan.opset,
      training,
      exportedBatch: this.plan.inputs[0]?.dims[0],
      tensor: (v) => this.asTensor(v),
      assign: (slot, value) => {
        const name = node.input?.[slot];
        if (name) this.variables.assign(name, value);
      },
    };
  }

  private lookup(name: string, values: Map<string, Value>, preferHost: boolean): Value | undefined {
    const constant = this.plan.constants.get(name);
    if (preferHost && constant) return constant;
    return values.get(name) ?? this.variables.value(name) ?? constant;
  }

  private asTensor(v: Value): TensorValue {
    if (v.kind === 'tensor') return v;
    if (!this.constantValues.has(v)) return tensorValue(hostToTensor(v));
    let t = this.constTensors.get(v);
    if (!t) {
      t = tf.keep(hostToTensor(v));
      this.constTensors.set(v, t);
    }
    return tensorValue(t);
  }

  /** The planned nodes that `outputs` depend on, in order (cached per output set). */
  private schedule(outputs: readonly string[]): PlannedNode[] {
    const key = outputs.join('\n');
    let s = this.schedules.get(key);
    if (!s) {
      const producer = new Map<string, PlannedNode>();
      for (const p of this.plan.nodes) for (const o of p.node.output ?? []) producer.set(o, p);
      const needed = new Set<PlannedNode>();
      const stack = [...outputs];
      while (stack.length) {
        const p = producer.get(stack.pop()!);
        if (!p || needed.has(p)) continue;
        needed.add(p);
        stack.push(...(p.node.input ?? []).filter(Boolean));
      }
      s = this.plan.nodes.filter((p) => needed.has(p));
      this.schedules.set(key, s);
    }
    return s;
  }
}
