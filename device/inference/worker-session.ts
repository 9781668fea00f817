import { Worker } from 'node:worker_threads';
import { ArgusError, ModelFileError } from '../../models/errors.js';
import type { OutputShape, RawTensor } from '../../models/family.js';
import type { SessionOptions } from './onnx-session.js';
import type { WorkerData, WorkerError, WorkerReply, WorkerRequest } from './worker-protocol.js';

/** A run's outputs, its input buffer given back for the next frame, and how long session.run took. */
export interface MovedRun {
  outputs: RawTensor[];
  input: Float32Array;
  /** ms of session.run in the worker: not the wait behind runs asked for earlier, nor the hand-over. */
  ms: number;
}

/** Output sets kept for reuse: one being read while the next run fills another. */
const KEEP_SPARE = 2;

interface Pending {
  resolve(run: MovedRun): void;
  reject(e: Error): void;
}

function rebuild(e: WorkerError): Error {
  if (e.file !== undefined && e.message.startsWith(`${e.file}: `)) return new ModelFileError(e.file, e.message.slice(e.file.length + 2));
  return new ArgusError(e.message);
}

/** The worker's first message: `ready`, or why it could not load the model. */
function whenReady(worker: Worker, file: string): Promise<Extract<WorkerReply, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: WorkerReply) => {
      done();
      if (m.type === 'ready') resolve(m);
      else reject(m.type === 'failed' ? rebuild(m.error) : new ArgusError(`${file}: the inference worker sent '${m.type}' before 'ready'`));
    };
    const onError = (e: Error) => {
      done();
      reject(new ArgusError(`${file}: the inference worker failed to start: ${e.message}`, { cause: e }));
    };
    const onExit = (code: number) => {
      done();
      reject(new ArgusError(`${file}: the inference worker exited (code ${code}) before loading the model`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * An OnnxSession in a worker thread. onnxruntime-node's session.run blocks the thread that calls
 * it until inference ends; here that is the worker's, so the main thread goes on decoding the next
 * frame and decoding boxes of the last one. A run's input buffer moves to the worker and back (no
 * copy: onnxruntime refuses shared memory); outputs come back as the worker's buffers, moved.
 *
 * The worker holds the process open only while a run is in flight, so a caller that never closes
 * the session does not keep Node from exiting. When the worker dies, runs in flight and every later
 * one fail with the reason.
 */
export class WorkerSession {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closing: Promise<void> | null = null;
  private dead: Error | null = null;
  /** Resolves the wait of `close` for the worker's `closed` reply. */
  private onClosed: (() => void) | null = null;
  /** Output buffers of finished results, handed back by `giveBack` for the next runs to fill. */
  private readonly spare: Float32Array[][] = [];

  private constructor(
    readonly file: string,
    private readonly worker: Worker,
    readonly inputs: OutputShape[],
    readonly outputs: OutputShape[],
  ) {
    worker.on('message', (m: WorkerReply) => this.onReply(m));
    worker.on('error', (e) => this.die(new ArgusError(`${file}: the inference worker crashed: ${e.message}`, { cause: e })));
    worker.on('exit', (code) => this.die(new ArgusError(`${file}: the inference worker exited (code ${code})`)));
    worker.unref();
  }

  static async create(file: string, options: SessionOptions = {}): Promise<WorkerSession> {
    const workerData: WorkerData = { file, options };
    const worker = new Worker(new URL('./session-worker.js', import.meta.url), { workerData });
    try {
      const ready = await whenReady(worker, file);
      return new WorkerSession(file, worker, ready.inputs, ready.outputs);
    } catch (e) {
      await worker.terminate();
      throw e;
    }
  }

  /**
   * Runs one float32 input; returns every output in the model's output order. `data`'s buffer
   * moves to the worker (`data` is empty meanwhile) and comes back as `input`; a failed run does not
   * give it back. Runs asked for while one is in progress wait for it, in order.
   */
  run(inputName: string, data: Float32Array, dims: readonly number[]): Promise<MovedRun> {
    if (this.closing) return Promise.reject(new ArgusError(`${this.file}: the inference session is closed`));
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const spare = this.spare.pop();
    const request: WorkerRequest = { type: 'run', id, inputName, data, dims, ...(spare ? { spare } : {}) };
    const moved = [data, ...(spare ?? [])].map((a) => a.buffer as ArrayBuffer);
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage(request, moved);
      } catch (e) {
        reject(new ArgusError(`${this.file}: cannot hand the input to the inference worker: ${(e as Error).message}`, { cause: e }));
        return;
      }
      if (!this.pending.size) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }

  /**
   * Gives a result's output buffers back once read, for a later run to fill instead of moving fresh
   * ones to this thread (see session-worker's reuseSpare). The caller must not touch them after.
   */
  giveBack(outputs: readonly RawTensor[]): void {
    if (this.spare.length < KEEP_SPARE) this.spare.push(outputs.map((o) => o.data));
  }

  private onReply(m: WorkerReply): void {
    if (m.type === 'closed') {
      this.onClosed?.();
      return;
    }
    if (m.type !== 'result' && m.type !== 'failed') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (!this.pending.size) this.worker.unref();
    if (m.type === 'result') p.resolve({ outputs: m.outputs, input: m.input, ms: m.ms });
    else p.reject(rebuild(m.error));
  }

  private die(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
    this.onClosed?.();
  }

  /** Releases the session in the worker, then ends the worker. Runs already asked for finish first. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.dead) {
        this.worker.ref();
        const replied = new Promise<void>((resolve) => (this.onClosed = resolve));
        this.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
        await replied;
      }
      await this.worker.terminate();
    })();
    return this.closing;
  }
}
