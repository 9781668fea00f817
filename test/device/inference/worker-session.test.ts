import assert from 'node:assert/strict';
import test from 'node:test';
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import type { RawTensor } from '../../../models/family.js';
import { deviceInferenceThreads } from '../../../device/inference/threads.js';
import { WorkerSession } from '../../../device/inference/worker-session.js';
import { sharedPath } from '../../helpers/shared.js';

const DIMS = [1, 3, 320, 320];

function input(seed: number): Float32Array {
  const data = new Float32Array(3 * 320 * 320);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 31 + seed * 7919) % 255) - 127;
  return data;
}

test('output buffers given back are moved to the worker and filled with the next run, never read stale', async (t) => {
  const file = sharedPath(t, 'models', 'nanodet_m_320.onnx');
  if (!file) return;
  const worker = await WorkerSession.create(file, { threads: 1 });
  const direct = await OnnxSession.create(file, { threads: 1 });
  try {
    const name = worker.inputs[0]!.name;
    let previous: RawTensor[] | null = null;
    for (let seed = 0; seed < 4; seed++) {
      const expected = await direct.run(name, input(seed), DIMS);
      const run = await worker.run(name, input(seed), DIMS);
      if (previous) {
        assert.ok(previous.every((o) => o.data.length === 0), 'the buffers given back went to the worker with this run');
      }
      assert.equal(run.outputs.length, expected.length);
      run.outputs.forEach((o, i) => {
        assert.deepEqual(o.dims, expected[i]!.dims);
        assert.deepEqual(o.data, expected[i]!.data, `output ${i} of run ${seed}`);
      });
      worker.giveBack(run.outputs);
      previous = run.outputs;
    }
  } finally {
    await worker.close();
    await direct.close();
  }
});

test('the device leaves one core to decoding and publishing, and always runs at least one thread', () => {
  assert.equal(deviceInferenceThreads(1), 1);
  assert.equal(deviceInferenceThreads(2), 1);
  assert.equal(deviceInferenceThreads(4), 3);
  assert.ok(deviceInferenceThreads() >= 1);
});
