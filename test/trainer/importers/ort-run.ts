/** Runs an ONNX model (bytes) once with onnxruntime-node; outputs by name. */
import * as ort from 'onnxruntime-node';

export async function runOnnx(model: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
    const res = await session.run(inputs);
    return Object.fromEntries(Object.entries(res).map(([k, t]) => [k, { data: t.data as Float32Array, dims: [...t.dims] }]));
  } finally {
    await session.release();
  }
}

/** A session kept open for several runs. */
export async function openOnnx(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { logSeverityLevel: 3 });
}

export { ort };
