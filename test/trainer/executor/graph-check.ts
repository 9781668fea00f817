/** Builds a small ONNX graph and compares the executor's outputs with onnxruntime's. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { OnnxExecutor } from '../../../trainer/executor/index.js';
import { attr, DataType, GraphBuilder, type ModelProto } from '../../../trainer/onnx/index.js';
import { addOutput, maxAbsDiff, randomData, runOrt } from './helpers.js';

export { attr };

/** A graph with one float input 'x' of `dims`; `build` adds nodes and returns [output, rank] pairs. */
export function buildGraph(dims: number[], build: (g: GraphBuilder) => [string, number][], opset = 13): ModelProto {
  const g = new GraphBuilder('test');
  g.addInput('x', DataType.FLOAT, dims);
  for (const [name, rank] of build(g)) addOutput(g, name, rank);
  return g.model({ opset });
}

/** Random float weights under a name. */
export function weight(g: GraphBuilder, name: string, dims: number[], seed: number, scale = 0.5): string {
  return g.floatConst(
    name,
    randomData(
      dims.reduce((a, b) => a * b, 1),
      seed,
      -scale,
      scale,
    ),
    dims,
  );
}

/** Runs `model` on the current TF.js backend and in onnxruntime; returns the worst max-abs diff. */
export async function compareWithOrt(model: ModelProto, dims: number[], seed = 1, tolerance = 1e-4): Promise<number> {
  const data = randomData(
    dims.reduce((a, b) => a * b, 1),
    seed,
  );
  const ref = await runOrt(model, data, dims);
  const ex = new OnnxExecutor(model);
  try {
    const out = ex.run(tf.tensor(data, dims));
    let worst = 0;
    ex.outputNames.forEach((name, i) => {
      const t = out[name]!;
      assert.deepEqual(t.shape, [...ref[i]!.dims], `shape of ${name}`);
      const d = maxAbsDiff(t.dataSync(), ref[i]!.data);
      assert.ok(d < tolerance, `${name}: max abs diff ${d} >= ${tolerance}`);
      worst = Math.max(worst, d);
    });
    tf.dispose(out);
    return worst;
  } finally {
    ex.dispose();
  }
}
