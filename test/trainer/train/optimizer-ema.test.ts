/** AdamW, SGD, EMA and gradient clipping against the formulas worked by hand. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm, ModelEma, Optimizer } from '../../../trainer/train/index.js';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const near = (a: ArrayLike<number>, b: readonly number[], tol: number, what: string) =>
  Array.from(a).forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `${what}[${i}]: ${v} vs ${b[i]}`));

test('AdamW: bias-corrected steps of lr per unit gradient, decoupled decay on listed weights only', () => {
  const w = tf.variable(tf.tensor1d([1, -2]), true, 'opt-w');
  const b = tf.variable(tf.tensor1d([0.5]), true, 'opt-b');
  const params = new Map([['w', w], ['b', b]]);
  const opt = new Optimizer({ kind: 'adamw', weightDecay: 0.1, momentum: 0.9, beta2: 0.999, epsilon: 1e-8 }, new Set(['w']));
  opt.apply(params, { w: tf.tensor1d([0.3, -4]), b: tf.tensor1d([2]) }, 0.01);
  // Step 1: m̂ = g, v̂ = g², so the Adam step is sign(g); decay adds wd · p for w.
  near(w.dataSync(), [1 - 0.01 * (1 + 0.1 * 1), -2 - 0.01 * (-1 + 0.1 * -2)], 1e-6, 'w after 1');
  near(b.dataSync(), [0.5 - 0.01], 1e-6, 'b after 1');
  const w1 = Array.from(w.dataSync());
  opt.apply(params, { w: tf.tensor1d([0.3, -4]), b: tf.tensor1d([-2]) }, 0.01);
  // Step 2 on b: m = 0.9·0.2 + 0.1·(−2) = −0.02, v = 0.999·0.004 + 0.001·4; corrected by 1 − β^2.
  const m = (0.1 * 2 * 0.9 + 0.1 * -2) / (1 - 0.81);
  const v = (0.001 * 4 * 0.999 + 0.001 * 4) / (1 - 0.999 ** 2);
  near(b.dataSync(), [0.49 - 0.01 * (m / (Math.sqrt(v) + 1e-8))], 1e-6, 'b after 2');
  near(w.dataSync(), [w1[0]! - 0.01 * (1 + 0.1 * w1[0]!), w1[1]! - 0.01 * (-1 + 0.1 * w1[1]!)], 1e-6, 'w after 2');
  assert.equal(opt.stepCount, 2);
  opt.dispose();
  tf.dispose([w, b]);
});

test('LAMB: the AdamW step scaled so each tensor moves by lr of its own norm; a zero tensor takes a plain step', () => {
  const w = tf.variable(tf.tensor1d([3, -4]), true, 'lamb-w');
  const z = tf.variable(tf.tensor1d([0]), true, 'lamb-z');
  const opt = new Optimizer({ kind: 'lamb', weightDecay: 0, momentum: 0.9, beta2: 0.999, epsilon: 1e-8 }, new Set());
  opt.apply(new Map([['w', w], ['z', z]]), { w: tf.tensor1d([1, 1]), z: tf.tensor1d([-1]) }, 0.01, new Map([['w', 0.5]]));
  // u = sign(g) = [1, 1], ‖w‖ = 5, ‖u‖ = √2: w -= 0.01 · 0.5 · 5/√2 · u.
  const step = (0.01 * 0.5 * 5) / Math.SQRT2;
  near(w.dataSync(), [3 - step, -4 - step], 1e-6, 'w');
  near(z.dataSync(), [0.01], 1e-6, 'z');
  opt.dispose();
  tf.dispose([w, z]);
});

test('SGD: Nesterov momentum with L2 decay, as torch.optim.SGD', () => {
  const p = tf.variable(tf.tensor1d([1]), true, 'sgd-p');
  const opt = new Optimizer({ kind: 'sgd', weightDecay: 0.01, momentum: 0.9, beta2: 0, epsilon: 0 }, new Set(['p']));
  const params = new Map([['p', p]]);
  let buf = 0;
  let x = 1;
  for (const g of [0.5, -1, 2]) {
    opt.apply(params, { p: tf.tensor1d([g]) }, 0.1);
    const d = g + 0.01 * x;
    buf = 0.9 * buf + d;
    x -= 0.1 * (d + 0.9 * buf);
    near(p.dataSync(), [x], 1e-6, `after g=${g}`);
  }
  opt.dispose();
  p.dispose();
});

test('optimizer state round-trips: a restored optimizer makes the same next step', () => {
  const mk = () => new Map([['p', tf.variable(tf.tensor1d([1, 2, 3]), true)]]);
  const a = mk();
  const b = mk();
  const opts = { kind: 'adamw' as const, weightDecay: 0.05, momentum: 0.9, beta2: 0.99, epsilon: 1e-8 };
  const optA = new Optimizer(opts, new Set(['p']));
  optA.apply(a, { p: tf.tensor1d([1, -1, 0.5]) }, 0.1);
  b.get('p')!.assign(a.get('p')!);
  const optB = new Optimizer(opts, new Set(['p']));
  const saved = optA.state();
  optB.load({ step: saved.step, slots: new Map([...saved.slots].map(([k, t]) => [k, t.clone()])) });
  optA.apply(a, { p: tf.tensor1d([0.2, 0.3, -0.4]) }, 0.1);
  optB.apply(b, { p: tf.tensor1d([0.2, 0.3, -0.4]) }, 0.1);
  near(b.get('p')!.dataSync(), Array.from(a.get('p')!.dataSync()), 1e-7, 'restored');
});

test('EMA: ema = d·ema + (1 − d)·w with d = decay · (1 − e^(−updates/tau))', () => {
  const w = tf.variable(tf.tensor1d([0, 10]), true, 'ema-w');
  const source = new Map([['w', w]]);
  const ema = new ModelEma(source, { decay: 0.9, tau: 2 });
  assert.equal(ema.decayAt(0), 0);
  w.assign(tf.tensor1d([4, 6]));
  ema.update(source);
  const d1 = 0.9 * (1 - Math.exp(-1 / 2));
  near(ema.values.get('w')!.dataSync(), [d1 * 0 + (1 - d1) * 4, d1 * 10 + (1 - d1) * 6], 1e-6, 'after 1');
  const e1 = Array.from(ema.values.get('w')!.dataSync());
  w.assign(tf.tensor1d([-2, 0]));
  ema.update(source);
  const d2 = 0.9 * (1 - Math.exp(-2 / 2));
  near(ema.values.get('w')!.dataSync(), [d2 * e1[0]! + (1 - d2) * -2, d2 * e1[1]! + (1 - d2) * 0], 1e-6, 'after 2');
  assert.equal(ema.updates, 2);
  ema.dispose();
  w.dispose();
});

test('gradient clipping scales to the global norm limit and leaves small gradients alone', () => {
  const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) };
  const clipped = clipByGlobalNorm(grads, 1);
  assert.ok(Math.abs(clipped.norm - 5) < 1e-6);
  near(clipped.grads.a!.dataSync(), [0.6, 0], 1e-5, 'a');
  near(clipped.grads.b!.dataSync(), [0.8], 1e-5, 'b');
  const kept = clipByGlobalNorm(grads, 10);
  near(kept.grads.a!.dataSync(), [3, 0], 0, 'a kept');
});
