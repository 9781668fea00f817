import type { OutputShape, RawTensor } from '../../models/family.js';
import type { SessionOptions } from './onnx-session.js';

/** What the worker thread is started with. */
export interface WorkerData {
  file: string;
  options: SessionOptions;
}

/**
 * Messages from WorkerSession to its worker, handled one at a time in order. The run's input buffer
 * is moved, not copied; so are `spare`, output buffers of an earlier result given back to be filled
 * with this run's outputs.
 */
export type WorkerRequest =
  | { type: 'run'; id: number; inputName: string; data: Float32Array; dims: readonly number[]; spare?: Float32Array[] }
  | { type: 'close' };

/** An error of the worker, enough to rebuild it on the main thread (a ModelFileError carries its file). */
export interface WorkerError {
  message: string;
  file?: string;
}

/** Messages from the worker; `failed` with id -1 means the session could not be created. */
export type WorkerReply =
  | { type: 'ready'; inputs: OutputShape[]; outputs: OutputShape[] }
  /** `input` is the run's input buffer, moved back for reuse; `ms` the time of session.run itself. */
  | { type: 'result'; id: number; outputs: RawTensor[]; input: Float32Array; ms: number }
  | { type: 'failed'; id: number; error: WorkerError }
  | { type: 'closed' };
