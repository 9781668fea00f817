/**
 * The graph's float initializers as TF.js variables, stored in the order their ops want (HWIO for
 * conv filters), and written back into ONNX initializers under the same names.
 */
import * as tf from '@tensorflow/tfjs';
import { floatTensor, tensorToFloat32, toNumber, type TensorProto } from '../onnx/index.js';
import { invert, isIdentity } from './layout.js';
import type { VariableRole, VariableSpec } from './plan.js';
import { tensorValue, type TensorValue } from './value.js';

/** Selects initializers by name: a pattern, or a predicate. */
export type NameFilter = RegExp | ((name: string) => boolean);

export interface TrainableOptions {
  /** Weights (Conv W/B, BatchNormalization scale/B) that train; default: all of them. */
  trainable?: NameFilter;
  /** Weights kept frozen even when `trainable` selects them; default: none. */
  frozen?: NameFilter;
}

export interface GraphVariable {
  variable: tf.Variable;
  role: VariableRole;
  perm: number[];
  dims: number[];
}

function matches(filter: NameFilter | undefined, name: string, fallback: boolean): boolean {
  if (!filter) return fallback;
  return filter instanceof RegExp ? filter.test(name) : filter(name);
}

// TF.js variable names are global to the engine; a prefix keeps two executors of one model apart.
let nextStore = 0;

export class GraphVariables {
  readonly byName = new Map<string, GraphVariable>();

  constructor(specs: ReadonlyMap<string, VariableSpec>, opts: TrainableOptions = {}) {
    const prefix = `argus${nextStore++}/`;
    for (const [name, spec] of specs) {
      const dims = (spec.tensor.dims ?? []).map((d) => toNumber(d));
      const trainable = spec.role === 'weight' && matches(opts.trainable, name, true) && !matches(opts.frozen, name, false);
      const variable = tf.tidy(() => {
        const logical = tf.tensor(tensorToFloat32(spec.tensor), dims, 'float32');
        const stored = isIdentity(spec.perm) ? logical : tf.transpose(logical, invert(spec.perm));
        return tf.variable(stored, trainable, prefix + name);
      });
      this.byName.set(name, { variable, role: spec.role, perm: spec.perm, dims });
    }
  }

  value(name: string): TensorValue | undefined {
    const v = this.byName.get(name);
    return v && tensorValue(v.variable, v.perm);
  }

  /** Overwrites a variable with a tensor in the ONNX layout. */
  assign(name: string, logical: tf.Tensor): void {
    const v = this.byName.get(name);
    if (!v) return;
    tf.tidy(() => v.variable.assign(isIdentity(v.perm) ? logical : tf.transpose(logical, invert(v.perm))));
  }

  trainable(): tf.Variable[] {
    return [...this.byName.values()].filter((v) => v.variable.trainable).map((v) => v.variable);
  }

  /** Trainable variables by ONNX initializer name. */
  trainableByName(): Map<string, tf.Variable> {
    return new Map([...this.byName].filter(([, v]) => v.variable.trainable).map(([n, v]) => [n, v.variable]));
  }

  /** Current values as ONNX float initializers, in the ONNX layout, under their original names. */
  toInitializers(): TensorProto[] {
    return [...this.byName].map(([name, v]) => {
      const logical = isIdentity(v.perm) ? v.variable.clone() : tf.transpose(v.variable, v.perm);
      const data = logical.dataSync() as Float32Array;
      logical.dispose();
      return floatTensor(data, v.dims, name);
    });
  }

  dispose(): void {
    for (const v of this.byName.values()) v.variable.dispose();
    this.byName.clear();
  }
}
