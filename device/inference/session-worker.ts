/**
 * The worker-thread side of WorkerSession: one OnnxSession, fed by messages. onnxruntime-node's
 * session.run holds the thread that calls it for the whole inference, so it runs here and the main
 * thread stays free to decode and post-process other frames meanwhile.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { ModelFileError } from '../../models/errors.js';
import type { RawTensor } from '../../models/family.js';
import { OnnxSession } from './onnx-session.js';
import type { WorkerData, WorkerError, WorkerReply, WorkerRequest } from './worker-protocol.js';

if (!parentPort) throw new Error('session-worker.js runs in a worker thread started by WorkerSession');
const port = parentPort;
const { file, options } = workerData as WorkerData;

function describe(e: unknown): WorkerError {
  if (e instanceof ModelFileError) return { message: e.message, file: e.file };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** Posts a reply, moving `buffers` with it (each once: several outputs may share one). */
function post(reply: WorkerReply, buffers: ArrayBufferLike[] = []): void {
  const transfer = [...new Set(buffers)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  try {
    port.postMessage(reply, transfer);
  } catch {
    // A buffer that cannot be moved (memory onnxruntime keeps) goes as a copy.
    port.postMessage(reply);
  }
}

/**
 * The outputs copied into the spare buffers the main thread gave back, where they fit. A fresh
 * buffer moved to the main thread each frame counts there as new external memory, which makes V8
 * run a full mark-compact every few frames; recycled ones do not, and the copy costs ~0.1 ms.
 */
function reuseSpare(outputs: RawTensor[], spare: Float32Array[] | undefined): RawTensor[] {
  if (!spare) return outputs;
  return outputs.map((o, i) => {
    const into = spare[i];
    if (!into || into.length !== o.data.length) return o;
    into.set(o.data);
    return { dims: o.dims, data: into };
  });
}

async function handle(session: OnnxSession, m: WorkerRequest): Promise<void> {
  if (m.type === 'close') {
    // The main thread ends this thread next either way; a failed release leaves nothing to undo.
    await session.close().catch(() => undefined);
    post({ type: 'closed' });
    return;
  }
  try {
    const t0 = performance.now();
    const outputs = reuseSpare(await session.run(m.inputName, m.data, m.dims), m.spare);
    const ms = performance.now() - t0;
    post({ type: 'result', id: m.id, outputs, input: m.data, ms }, [m.data.buffer, ...outputs.map((o) => o.data.buffer)]);
  } catch (e) {
    post({ type: 'failed', id: m.id, error: describe(e) });
  }
}

async function serve(): Promise<void> {
  let session: OnnxSession;
  try {
    session = await OnnxSession.create(file, options);
  } catch (e) {
    post({ type: 'failed', id: -1, error: describe(e) });
    return; // no listener: the thread ends by itself
  }
  post({ type: 'ready', inputs: session.inputs, outputs: session.outputs });
  // One request at a time, in order, so a close never releases the session under a run. Requests
  // that came during a run are taken at once after it, not on a later turn of the event loop: the
  // next frame, queued while this one ran, starts the moment it ends.
  const waiting: WorkerRequest[] = [];
  let busy = false;
  const next = () => waiting.shift() ?? (receiveMessageOnPort(port)?.message as WorkerRequest | undefined);
  const drain = async () => {
    busy = true;
    for (let m = next(); m; m = next()) await handle(session, m);
    busy = false;
  };
  port.on('message', (m: WorkerRequest) => {
    waiting.push(m);
    if (!busy) void drain();
  });
}

await serve();
