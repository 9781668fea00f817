import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learningRate } from '../../../trainer/train/index.js';

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('linear warmup from warmupStart x lr to lr', () => {
  const o = { lr: 0.01, warmupSteps: 10, warmupStart: 0.1, final: 0.01, totalSteps: 110 };
  near(learningRate(0, o), 0.001, 'step 0');
  near(learningRate(5, o), 0.0055, 'half way');
  near(learningRate(10, o), 0.01, 'end of warmup');
});

test('cosine decay from lr to final x lr at the last step, half way at the midpoint, then flat', () => {
  const o = { lr: 0.002, warmupSteps: 0, warmupStart: 0, final: 0.05, totalSteps: 100 };
  near(learningRate(0, o), 0.002, 'start');
  near(learningRate(50, o), 0.002 * (0.05 + 0.95 * 0.5), 'midpoint');
  near(learningRate(100, o), 0.0001, 'last');
  near(learningRate(150, o), 0.0001, 'past the end');
  for (let s = 1; s <= 100; s++) assert.ok(learningRate(s, o) <= learningRate(s - 1, o), `rises at step ${s}`);
});

test('warmup longer than the run still ends at lr, never divides by zero', () => {
  const o = { lr: 1, warmupSteps: 4, warmupStart: 0, final: 0, totalSteps: 4 };
  assert.deepEqual([0, 1, 2, 3, 4].map((s) => learningRate(s, o)), [0, 0.25, 0.5, 0.75, 1]);
});
