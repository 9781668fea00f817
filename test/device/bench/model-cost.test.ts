import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { modelCost } from '../../../device/bench/index.js';
import { ModelFileError } from '../../../models/errors.js';
import { readModel, toNumber } from '../../../trainer/onnx/index.js';
import { sharedPath } from '../../helpers/shared.js';

/**
 * Counted by hand from each file's own value_info (the exporter's shapes, which argus' counter
 * does not read): per Conv, output elements × C_in/group × kH × kW, summed; parameters are the
 * Conv weights and biases. The published figures agree: YOLOX-Nano 0.91 M parameters and
 * 1.08 GFLOPs (= 2 × 0.54 GMAC by their counter); NanoDet-m-416 0.95 M and 1.2 GFLOPs.
 * The first layer of YOLOX-Nano alone, for scale: the Focus conv 12→16 channels 3x3 on 208x208
 * is 16·208·208 × 12·3·3 = 74,760,192 MACs.
 */
const HAND_CHECKED = {
  yolox_nano: { input: 'images', size: 416, macs: 522_553_408, params: 904_463 },
  nanodet_m_416: { input: 'input.1', size: 416, macs: 578_357_208, params: 941_818 },
};

/** The same count, recomputed from value_info with the trainer's onnx-proto decoder (independent of device/bench's reader). */
async function fromValueInfo(file: string): Promise<number> {
  const g = (await readModel(file)).graph!;
  const shape = new Map<string, number[]>();
  for (const v of [...(g.valueInfo ?? []), ...(g.output ?? [])]) shape.set(v.name!, v.type!.tensorType!.shape!.dim!.map((d) => toNumber(d.dimValue)));
  const init = new Map((g.initializer ?? []).map((t) => [t.name!, (t.dims ?? []).map(toNumber)]));
  const prod = (d: number[]) => d.reduce((a, b) => a * b, 1);
  let macs = 0;
  for (const n of g.node ?? []) if (n.opType === 'Conv') macs += prod(shape.get(n.output![0]!)!) * prod(init.get(n.input![1]!)!.slice(1));
  return macs;
}

for (const [name, want] of Object.entries(HAND_CHECKED)) {
  test(`${name}: MACs and parameters match the hand-checked count within 1%`, async (t) => {
    const file = sharedPath(t, 'models', `${name}.onnx`);
    if (!file) return;
    const cost = await modelCost(file, { name: want.input, dims: [1, 3, want.size, want.size] });
    assert.ok(Math.abs(cost.macs / want.macs - 1) < 0.01, `MACs ${cost.macs}, hand-checked ${want.macs}`);
    assert.ok(Math.abs(cost.params / want.params - 1) < 0.01, `params ${cost.params}, hand-checked ${want.params}`);
    assert.equal(await fromValueInfo(file), want.macs, 'the hand-checked figure is what value_info gives');
    assert.equal(cost.by_op.Conv?.macs, cost.macs, 'these models are all convolutions');
  });
}

test('a file that is not ONNX is a clear error naming it', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'argus-cost-')), 'model.onnx');
  writeFileSync(file, 'not a protobuf at all');
  await assert.rejects(modelCost(file, { name: 'images', dims: [1, 3, 32, 32] }), (e: Error) => e instanceof ModelFileError && e.message.startsWith(`${file}: not an ONNX model`));
});
