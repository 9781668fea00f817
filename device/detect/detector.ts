import type { Detection } from '../../models/boxes.js';
import { ArgusError, ModelFileError } from '../../models/errors.js';
import type { ModelFamily, RawTensor } from '../../models/family.js';
import { inputToFrame, type Letterbox } from '../../models/letterbox.js';
import type { Manifest, Precision } from '../../models/manifest.js';
import { nms } from '../../models/nms.js';
import { getFamily } from '../../models/registry.js';
import { verifiedOnnxPath, type ModelStore, type StoredModel } from '../../models/store.js';
import { OnnxSession } from '../inference/onnx-session.js';
import { WorkerSession, type MovedRun } from '../inference/worker-session.js';
import { InputTensors } from './input-tensors.js';
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
  /**
   * Run onnxruntime in a worker thread (default true). onnxruntime-node's session.run blocks the
   * thread that calls it for the whole inference; in a worker, the main thread decodes the next
   * frame and decodes the boxes of the last one meanwhile. false runs it on the main thread.
   */
  worker?: boolean;
}

/** onnxruntime on the main thread, or in a worker thread (the default). */
type Session = OnnxSession | WorkerSession;

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

/**
 * A frame decoded, letterboxed and written into one of the detector's input tensors, waiting for
 * `infer` (or `release`). Only the detector that prepared it can use it, once.
 */
export interface PreparedFrame {
  readonly image: { w: number; h: number };
  readonly letterbox: Letterbox;
  readonly timing_ms: Pick<StageTimes, 'decode' | 'pre'>;
}

/**
 * A loaded model: preprocessing, an onnxruntime session and its family's decode, end to end.
 * `detect` is `prepare` then `infer`; a pipeline calls them apart to prepare the next frame while
 * the current one is inferred: sharp decodes on libuv threads and onnxruntime runs in a worker
 * thread, so the main thread is free to fill the next tensor and decode the last frame's boxes.
 */
export class Detector {
  private readonly tensors: InputTensors<PreparedFrame>;
  private readonly dims: number[];
  private readonly keepClass: ((classId: number) => boolean) | null;
  /** Session runs not yet finished: `close` waits for them. */
  private readonly running = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;

  private constructor(
    readonly model: StoredModel,
    readonly precision: Precision,
    readonly family: ModelFamily<unknown>,
    private readonly head: unknown,
    private readonly session: Session,
    readonly options: Required<Omit<DetectorOptions, 'labels' | 'threads' | 'precision' | 'worker'>>,
    labels: readonly string[] | undefined,
    /** Inference threads asked for; undefined leaves the count to onnxruntime (one per core). */
    readonly threads: number | undefined,
  ) {
    const { width, height } = model.manifest.input;
    this.dims = [1, 3, height, width];
    this.tensors = new InputTensors(3 * width * height);
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
    const sessionOptions = opts.threads === undefined ? {} : { threads: opts.threads };
    const session: Session = opts.worker === false ? await OnnxSession.create(file, sessionOptions) : await WorkerSession.create(file, sessionOptions);
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
      opts.threads,
    );
  }

  get manifest(): Manifest {
    return this.model.manifest;
  }

  async detect(image: ImageInput): Promise<DetectionResult> {
    return this.infer(await this.prepare(image));
  }

  /**
   * Decodes and letterboxes a frame into an input tensor (stages decode and pre). For a JPEG
   * buffer, sharp has started decoding by the time this returns its promise, so calling `infer` on
   * the previous frame right after still overlaps the two, even with onnxruntime on this thread.
   */
  async prepare(image: ImageInput): Promise<PreparedFrame> {
    const m = this.model.manifest;
    const tensor = this.tensors.take();
    let pre;
    try {
      pre = await preprocessInto(image, m.preprocess, m.input.width, m.input.height, tensor);
    } catch (e) {
      this.tensors.recycle(tensor);
      throw e;
    }
    const lb = pre.letterbox;
    const prepared: PreparedFrame = { image: { w: lb.srcWidth, h: lb.srcHeight }, letterbox: lb, timing_ms: { decode: pre.decodeMs, pre: pre.preMs } };
    this.tensors.attach(prepared, tensor);
    return prepared;
  }

  /**
   * Runs the model on a prepared frame, then decodes boxes and applies NMS (stages infer and post).
   * A frame inferred while another one is still running waits for it: runs go in call order.
   */
  async infer(prepared: PreparedFrame): Promise<DetectionResult> {
    const tensor = this.tensors.detach(prepared, 'Detector.infer');
    const m = this.model.manifest;
    const { outputs, input, ms } = await this.runSession(tensor);
    this.tensors.recycle(input);
    const t1 = performance.now();
    let candidates = this.family.decode(outputs, {
      inputWidth: m.input.width,
      inputHeight: m.input.height,
      numClasses: m.labels.length,
      head: this.head,
      scoreThreshold: this.options.scoreThreshold,
      multiLabel: this.options.multiLabel,
    });
    this.giveBack(outputs);
    if (this.keepClass) candidates = candidates.filter((c) => this.keepClass!(c.classId));
    const kept = nms(candidates, { iouThreshold: this.options.iouThreshold, maxDetections: this.options.maxDetections });
    const lb = prepared.letterbox;
    const detections: Detection[] = kept.map((c) => ({
      label: m.labels[c.classId]!,
      classId: c.classId,
      score: c.score,
      box: inputToFrame(lb, c.box),
    }));
    return {
      image: prepared.image,
      detections,
      timing_ms: { ...prepared.timing_ms, infer: ms, post: performance.now() - t1 },
    };
  }

  /** Gives back the tensor of a prepared frame that will not be inferred (a pipeline stopping). */
  release(prepared: PreparedFrame): void {
    this.tensors.recycle(this.tensors.detach(prepared, 'Detector.release'));
  }

  /**
   * session.run alone on a prepared frame, in ms, without decoding the outputs; the frame stays
   * prepared. What `argus bench` calls inference alone.
   */
  async timeInference(prepared: PreparedFrame): Promise<number> {
    const tensor = this.tensors.detach(prepared, 'Detector.timeInference');
    const { outputs, input, ms } = await this.runSession(tensor);
    this.tensors.attach(prepared, input);
    this.giveBack(outputs);
    return ms;
  }

  /** Output buffers read to the end go back to a worker session to be filled again. */
  private giveBack(outputs: readonly RawTensor[]): void {
    if (this.session instanceof WorkerSession) this.session.giveBack(outputs);
  }

  /**
   * session.run on one input tensor, timed where it runs; gives back the tensor to reuse (a worker
   * session moves it to its thread and back instead of copying it; a failed run loses it). Refused
   * once closing.
   */
  private async runSession(tensor: Float32Array): Promise<MovedRun> {
    if (this.closing) throw new ArgusError(`model '${this.model.manifest.name}' (${this.precision}): the detector is closed`);
    const name = this.model.manifest.input.name;
    const session = this.session;
    const run = session instanceof WorkerSession ? session.run(name, tensor, this.dims) : runOnThisThread(session, name, tensor, this.dims);
    this.running.add(run);
    try {
      return await run;
    } finally {
      this.running.delete(run);
    }
  }

  /**
   * Releases the session once the runs already started are done. onnxruntime-node starts a run on a
   * later turn of the event loop, so releasing under one would fail it with "Session already disposed".
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.running]);
      await this.session.close();
    })();
    return this.closing;
  }
}

/** session.run on the main thread, shaped as a worker's run (the tensor stays here). */
async function runOnThisThread(session: OnnxSession, name: string, tensor: Float32Array, dims: readonly number[]): Promise<MovedRun> {
  const t0 = performance.now();
  const outputs = await session.run(name, tensor, dims);
  return { outputs, input: tensor, ms: performance.now() - t0 };
}

/** Refuses an ONNX file whose input or outputs do not match what model.json says. */
function checkSessionFitsManifest(session: Pick<Session, 'file' | 'inputs' | 'outputs'>, model: StoredModel, family: ModelFamily<unknown>, head: unknown): void {
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
