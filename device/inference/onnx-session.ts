import ort from 'onnxruntime-node';
import type { OutputShape, RawTensor } from '../../models/family.js';
import { ModelFileError } from '../../models/errors.js';

export interface SessionOptions {
  /** Intra-op threads; default: onnxruntime's choice (one per core). */
  threads?: number;
}

/**
 * The one module that talks to onnxruntime: sessions are created, fed and released here.
 * Spinning is off because on a Pi the camera, decode and MQTT threads need the cores between runs.
 */
export class OnnxSession {
  private constructor(
    readonly file: string,
    private readonly session: ort.InferenceSession,
  ) {}

  static async create(file: string, opts: SessionOptions = {}): Promise<OnnxSession> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      interOpNumThreads: 1,
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    if (opts.threads !== undefined) options.intraOpNumThreads = opts.threads;
    try {
      return new OnnxSession(file, await ort.InferenceSession.create(file, options));
    } catch (e) {
      throw new ModelFileError(file, `onnxruntime cannot load it: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
  }

  get inputs(): OutputShape[] {
    return this.session.inputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }));
  }

  get outputs(): OutputShape[] {
    return this.session.outputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }));
  }

  /** Runs one float32 input; returns every output in the model's output order. */
  async run(inputName: string, data: Float32Array, dims: readonly number[]): Promise<RawTensor[]> {
    const feeds = { [inputName]: new ort.Tensor('float32', data, dims) };
    const results = await this.session.run(feeds);
    return this.session.outputNames.map((name) => {
      const t = results[name]!;
      if (t.type !== 'float32') throw new ModelFileError(this.file, `output '${name}' is ${t.type}, expected float32`);
      return { dims: t.dims, data: t.data as Float32Array };
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
