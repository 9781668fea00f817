/**
 * Runs the fp32 model over images with chosen intermediate tensors exposed as extra graph
 * outputs, handing each tensor of each image to an observer and keeping nothing: memory does not
 * grow with the number of images.
 */
import { OnnxSession } from '../../../device/inference/onnx-session.js';
import { log } from '../../../device/log.js';
import { preprocessInto } from '../../../device/detect/preprocess.js';
import type { PreprocessSpec } from '../../../models/preprocess-spec.js';
import { DataType, encodeModel, type ModelProto } from '../../onnx/index.js';
import { progressBar } from '../../progress.js';

export interface ModelInput {
  name: string;
  width: number;
  height: number;
}

export type Observer = (tensor: string, values: Float32Array, dims: readonly number[]) => void;

/** A copy of the model whose outputs also include `tensors` (graph inputs excepted). */
export function withOutputs(model: ModelProto, tensors: readonly string[]): ModelProto {
  const graph = model.graph!;
  const existing = new Set([...(graph.output ?? []), ...(graph.input ?? [])].map((o) => o.name ?? ''));
  // No shape: onnxruntime infers it, and a wrong guess here would be an error.
  const extra = tensors.filter((t) => !existing.has(t)).map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } }));
  return { ...model, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
}

export class ActivationRunner {
  /** Images that could not be decoded, over all passes. */
  readonly skipped: { file: string; reason: string }[] = [];
  private readonly tensor: Float32Array;

  private constructor(
    private readonly session: OnnxSession,
    private readonly input: ModelInput,
    private readonly preprocess: PreprocessSpec,
    private readonly wanted: ReadonlySet<string>,
  ) {
    this.tensor = new Float32Array(3 * input.width * input.height);
  }

  /** `tensors`: graph inputs or node outputs of `model` (which is not changed). */
  static async open(model: ModelProto, input: ModelInput, preprocess: PreprocessSpec, tensors: Iterable<string>): Promise<ActivationRunner> {
    const wanted = new Set(tensors);
    const session = await OnnxSession.fromBytes(encodeModel(withOutputs(model, [...wanted])), 'calibration model');
    return new ActivationRunner(session, input, preprocess, wanted);
  }

  /** One pass over `images`; returns the images that could be read (unreadable ones are logged and skipped). */
  async pass(label: string, images: readonly string[], observe: Observer): Promise<string[]> {
    const { name, width, height } = this.input;
    const dims = [1, 3, height, width];
    const outputNames = this.session.outputs.map((o) => o.name);
    const bar = progressBar(label, images.length);
    const readable: string[] = [];
    for (const file of images) {
      try {
        await preprocessInto(file, this.preprocess, width, height, this.tensor);
      } catch (e) {
        this.skipped.push({ file, reason: (e as Error).message });
        log.warn(`${(e as Error).message} (skipped)`);
        bar.tick();
        continue;
      }
      readable.push(file);
      if (this.wanted.has(name)) observe(name, this.tensor, dims);
      const outputs = await this.session.run(name, this.tensor, dims);
      outputs.forEach((o, i) => {
        if (this.wanted.has(outputNames[i]!)) observe(outputNames[i]!, o.data, o.dims);
      });
      bar.tick();
    }
    bar.stop();
    return readable;
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
