import { OnnxSession } from '../../../device/inference/onnx-session.js';
import { encodeModel, type ModelProto, type NodeProto } from '../../onnx/index.js';
import { withOutputs } from './activations.js';

/**
 * The convolutions of the model whose output is finer than `stride` (more rows than
 * input height / stride), from one run of the fp32 model on a blank image: onnxruntime knows the
 * shapes, which saves re-deriving them through Focus slices, pads and resizes.
 */
export async function convsFinerThan(model: ModelProto, input: { name: string; width: number; height: number }, stride: number): Promise<Set<NodeProto>> {
  const convs = (model.graph!.node ?? []).filter((n) => n.opType === 'Conv');
  const session = await OnnxSession.fromBytes(encodeModel(withOutputs(model, convs.map((c) => c.output![0]!))), 'shape probe');
  try {
    const outputs = await session.run(input.name, new Float32Array(3 * input.width * input.height), [1, 3, input.height, input.width]);
    const rows = new Map(session.outputs.map((o, i) => [o.name, outputs[i]!.dims[2] ?? 0]));
    return new Set(convs.filter((c) => rows.get(c.output![0]!)! * stride > input.height));
  } finally {
    await session.close();
  }
}
