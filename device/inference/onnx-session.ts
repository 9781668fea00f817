import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import type { OutputShape, RawTensor } from '../../models/family.js';
import { ModelFileError } from '../../models/errors.js';

export interface SessionOptions {
  /** Intra-op threads; default: onnxruntime's choice (one per core). */
  threads?: number;
  /**
   * Profile every run into `<prefix>_<timestamp>.json` (Chrome trace format, one event per node);
   * `endProfiling()` ends it and says which file. Default: no profiling.
   */
  profileFilePrefix?: string;
  /** Write the model as onnxruntime optimized it (fused kernels included) to this file. Default: none. */
  optimizedModelFile?: string;
  /** Graph optimizations onnxruntime applies at load. Default 'all'; 'disabled' runs the graph as written. */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** The onnxruntime-node version in use, for reports. */
export function onnxruntimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

/**
 * The one module that talks to onnxruntime: sessions are created, fed and released here.
 * Spinning is off because on a Pi the camera, decode and MQTT threads need the cores between runs.
 */
export class OnnxSession {
  private constructor(
    readonly file: string,
    private readonly session: ort.InferenceSession,
    private readonly profileFilePrefix?: string,
  ) {}

  static async create(file: string, opts: SessionOptions = {}): Promise<OnnxSession> {
    return OnnxSession.load(file, file, opts);
  }

  /** A session on a model held in memory; `name` stands for it in errors. */
  static async fromBytes(bytes: Uint8Array, name: string, opts: SessionOptions = {}): Promise<OnnxSession> {
    return OnnxSession.load(bytes, name, opts);
  }

  private static async load(model: string | Uint8Array, file: string, opts: SessionOptions): Promise<OnnxSession> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: opts.graphOptimization ?? 'all',
      executionMode: 'sequential',
      interOpNumThreads: 1,
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    if (opts.threads !== undefined) options.intraOpNumThreads = opts.threads;
    if (opts.profileFilePrefix !== undefined) {
      options.enableProfiling = true;
      options.profileFilePrefix = opts.profileFilePrefix;
    }
    if (opts.optimizedModelFile !== undefined) options.optimizedModelFilePath = opts.optimizedModelFile;
    try {
      // Two calls because onnxruntime's overloads take a path or bytes, not the union.
      const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
      return new OnnxSession(file, session, opts.profileFilePrefix);
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

  /** Runs one float32 input; returns the shape of every output by name, whatever its element type (shape probing). */
  async runShapes(inputName: string, data: Float32Array, dims: readonly number[]): Promise<Map<string, readonly number[]>> {
    const results = await this.session.run({ [inputName]: new ort.Tensor('float32', data, dims) });
    return new Map(Object.entries(results).map(([name, t]) => [name, t.dims]));
  }

  /** Ends profiling (see `SessionOptions.profileFilePrefix`); returns the trace file onnxruntime wrote. */
  endProfiling(): string {
    const prefix = this.profileFilePrefix;
    if (prefix === undefined) throw new Error(`${this.file}: the session was not created with profiling on`);
    this.session.endProfiling();
    // onnxruntime appends a timestamp to the prefix and does not say which file it wrote.
    const dir = dirname(prefix);
    const traces = readdirSync(dir)
      .filter((f) => f.startsWith(`${basename(prefix)}_`) && f.endsWith('.json'))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    if (!traces.length) throw new Error(`onnxruntime wrote no profile next to ${prefix}`);
    return traces[0]!;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
