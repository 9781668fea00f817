/** Backend selection: automatic order, overrides by option and environment, refusals. */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UnknownKindError } from '../../../models/errors.js';
import { BACKENDS, selectBackend, WASM_GRADIENT_KERNELS } from '../../../trainer/backends/index.js';

const saved = process.env.ARGUS_TF_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.ARGUS_TF_BACKEND;
  else process.env.ARGUS_TF_BACKEND = saved;
});

async function installed(pkg: string): Promise<boolean> {
  try {
    await import(pkg);
    return true;
  } catch {
    return false;
  }
}

test('auto prefers tfjs-node-gpu, then tfjs-node, then wasm, and says why each was passed over', async (t) => {
  delete process.env.ARGUS_TF_BACKEND;
  if ((await installed('@tensorflow/tfjs-node-gpu')) || (await installed('@tensorflow/tfjs-node'))) {
    t.skip('a native TensorFlow binding is installed here');
    return;
  }
  const choice = await selectBackend();
  assert.equal(choice.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(
    choice.skipped.map((s) => s.backend),
    ['tfjs-node-gpu', 'tfjs-node'],
  );
  for (const s of choice.skipped) assert.equal(s.reason, 'not installed');
  for (const k of WASM_GRADIENT_KERNELS) assert.ok(tf.getKernel(k.kernelName, 'wasm'), `${k.kernelName} is registered`);
  assert.deepEqual([...BACKENDS], ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
});

test('ARGUS_TF_BACKEND picks one, and the option wins over it', async () => {
  process.env.ARGUS_TF_BACKEND = 'cpu';
  assert.equal((await selectBackend()).tfBackend, 'cpu');
  assert.equal((await selectBackend({ backend: 'wasm' })).tfBackend, 'wasm');
});

test('an unknown backend name lists the valid ones; a forced backend that cannot start says why', async () => {
  await assert.rejects(selectBackend({ backend: 'webgpu' as never }), (e: unknown) => e instanceof UnknownKindError && /Should be one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu/.test((e as Error).message));
  if (!(await installed('@tensorflow/tfjs-node'))) {
    await assert.rejects(selectBackend({ backend: 'tfjs-node' }), /TF.js backend 'tfjs-node' could not start:\n {2}tfjs-node: not installed/);
  }
});
