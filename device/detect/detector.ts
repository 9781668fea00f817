import type { Detection } from '../../models/boxes.js';
import { ModelFileError } from '../../models/errors.js';
import type { ModelFamily } from '../../models/family.js';
import { inputToFrame } from '../../models/letterbox.js';
import type { Manifest, Precision } from '../../models/manifest.js';
import { nms } from '../../models/nms.js';
import { getFamily } from '../../models/registry.js';
import { verifiedOnnxPath, type ModelStore, type StoredModel } from '../../models/store.js';
import { OnnxSession } from '../inference/onnx-session.js';
import { preprocessInto, type ImageInput } from './preprocess.js';

export interface DetectorOptions {
  /** Default: the manifest's `precision`. */
  precision?: Precision;
  threads?: number;
  /** Defaults come from the manifest's `postprocess`. */
  scoreThreshold?: number;
  iouThreshold?: number;
  maxDetections?: number;
  /** One box per class over the threshold, not only the best class (evaluation). Default false. */
  multiLabel?: boolean;
  /** Report only these labels. */
  labels?: readonly string[];
}

export interface StageTimes {
  decode: number;
  pre: number;
  infer: number;
  post: number;
}

export interface DetectionResult {
  image: { w: number; h: number };
  detections: Detection[];
  timing_ms: StageTimes;
}

/** A loaded model: preprocessing, an onnxruntime session and its family's decode, end to end. */
export class Detector {
  private readonly tensor: Float32Array;
  private readonly dims: number[];
  private readonly keepClass: ((classId: number) => boolean) | null;

  private constructor(
    readonly model: StoredModel,
    readonly precision: Precision,
    readonly family: ModelFamily<unknown>,
    private readonly head: unknown,
    private readonly session: OnnxSession,
    readonly options: Required<Omit<DetectorOptions, 'labels' | 'threads' | 'precision'>>,
    labels: readonly string[] | undefined,
  ) {
    const { width, height } = model.manifest.input;
    this.dims = [1, 3, height, width];
    this.tensor = new Float32Array(3 * width * height);
    if (labels?.length) {
      const unknown = labels.filter((l) => !model.manifest.labels.includes(l));
      if (unknown.length) throw new Error(`labels not in model '${model.manifest.name}': ${unknown.join(', ')}`);
      const ids = new Set(labels.map((l) => model.manifest.labels.indexOf(l)));
      this.keepClass = (c) => ids.has(c);
    } else {
      this.keepClass = null;
    }
  }

  static async open(store: ModelStore, ref: string, opts: DetectorOptions = {}): Promise<Detector> {
    return Detector.fromModel(store.open(ref), opts);
  }

  static async fromModel(model: StoredModel, opts: DetectorOptions = {}): Promise<Detector> {
    const m = model.manifest;
    const precision = opts.precision ?? m.precision;
    const family = getFamily(m.family);
    const head = family.headSchema.parse(m.head);
    const file = await verifiedOnnxPath(model, precision);
    const session = await OnnxSession.create(file, opts.threads === undefined ? {} : { threads: opts.threads });
    try {
      checkSessionFitsManifest(session, model, family, head);
    } catch (e) {
      await session.close();
      throw e;
    }
    const post = m.postprocess;
    return new Detector(
      model,
      precision,
      family,
      head,
      session,
      {
        scoreThreshold: opts.scoreThreshold ?? post.scoreThreshold,
        iouThreshold: opts.iouThreshold ?? post.iouThreshold,
        maxDetections: opts.maxDetections ?? post.maxDetections,
        multiLabel: opts.multiLabel ?? false,
      },
      opts.labels,
    );
  }

  get manifest(): Manifest {
    return this.model.manifest;
  }

  async detect(image: ImageInput): Promise<DetectionResult> {
    const m = this.model.manifest;
    const pre = await preprocessInto(image, m.preprocess, m.input.width, m.input.height, this.tensor);
    const t0 = performance.now();
    const outputs = await this.session.run(m.input.name, this.tensor, this.dims);
    const t1 = performance.now();
    let candidates = this.family.decode(outputs, {
      inputWidth: m.input.width,
      inputHeight: m.input.height,
      numClasses: m.labels.length,
      head: this.head,
      scoreThreshold: this.options.scoreThreshold,
      multiLabel: this.options.multiLabel,
    });
    if (this.keepClass) candidates = candidates.filter((c) => this.keepClass!(c.classId));
    const kept = nms(candidates, { iouThreshold: this.options.iouThreshold, maxDetections: this.options.maxDetections });
    const lb = pre.letterbox;
    const detections: Detection[] = kept.map((c) => ({
      label: m.labels[c.classId]!,
      classId: c.classId,
      score: c.score,
      box: inputToFrame(lb, c.box),
    }));
    return {
      image: { w: lb.srcWidth, h: lb.srcHeight },
      detections,
      timing_ms: { decode: pre.decodeMs, pre: pre.preMs, infer: t1 - t0, post: performance.now() - t1 },
    };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}

/** Refuses an ONNX file whose input or outputs do not match what model.json says. */
function checkSessionFitsManifest(session: OnnxSession, model: StoredModel, family: ModelFamily<unknown>, head: unknown): void {
  const m = model.manifest;
  const input = session.inputs.find((i) => i.name === m.input.name);
  if (!input) {
    throw new ModelFileError(
      session.file,
      `has no input '${m.input.name}' (field 'input.name' of ${model.manifestFile}); its inputs: ${session.inputs.map((i) => i.name).join(', ')}`,
    );
  }
  const want = [1, 3, m.input.height, m.input.width];
  const fits = input.shape.length === 4 && input.shape.every((d, i) => typeof d !== 'number' || d === want[i]);
  if (!fits) {
    throw new ModelFileError(
      session.file,
      `input '${input.name}' has shape [${input.shape.join('x')}] but ${model.manifestFile} says ` +
        `[1x3x${m.input.height}x${m.input.width}] (fields 'input.height', 'input.width')`,
    );
  }
  try {
    family.checkOutputs(session.outputs, {
      inputWidth: m.input.width,
      inputHeight: m.input.height,
      numClasses: m.labels.length,
      head,
    });
  } catch (e) {
    throw new ModelFileError(session.file, `outputs do not fit ${model.manifestFile}: ${(e as Error).message}`, { cause: e });
  }
}
