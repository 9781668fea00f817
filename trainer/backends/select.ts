/**
 * Choosing the TF.js backend for training: the native TensorFlow bindings when installed (GPU
 * first), else WebAssembly (with argus' gradient kernels), else the pure-JS CPU backend (with
 * argus' resize gradients).
 * `ARGUS_TF_BACKEND` or the `backend` option forces one.
 */
import * as tf from '@tensorflow/tfjs';
import { log } from '../../device/log.js';
import { UnknownKindError } from '../../models/errors.js';
import { startCpu } from './cpu.js';
import { BackendError } from './errors.js';
import { loadNodeBinding } from './node-binding.js';
import { startWasm } from './wasm.js';

export const BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendOptions {
  /** A backend to use instead of the automatic choice; default `$ARGUS_TF_BACKEND`, else 'auto'. */
  backend?: BackendName | 'auto';
}

export interface BackendChoice {
  name: BackendName;
  /** TF.js' own name for it ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** Backends tried before it, and why each was passed over. */
  skipped: { backend: BackendName; reason: string }[];
}

/** Starts one backend; returns why not when it cannot. */
async function start(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
      const why = await loadNodeBinding(name === 'tfjs-node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      if (why) return why;
      return (await tf.setBackend('tensorflow')) ? undefined : 'TF.js could not start it';
    }
    if (name === 'wasm') return (await startWasm()) ? undefined : 'TF.js could not start it';
    return (await startCpu()) ? undefined : 'TF.js could not start it';
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

function requested(opts: BackendOptions): BackendName | 'auto' {
  const want = opts.backend ?? process.env.ARGUS_TF_BACKEND ?? 'auto';
  if (want !== 'auto' && !(BACKENDS as readonly string[]).includes(want)) throw new UnknownKindError('TF.js backend', want, ['auto', ...BACKENDS]);
  return want as BackendName | 'auto';
}

/** Picks, starts and logs the backend; throws BackendError when the requested one cannot start. */
export async function selectBackend(opts: BackendOptions = {}): Promise<BackendChoice> {
  const want = requested(opts);
  const candidates = want === 'auto' ? BACKENDS : [want];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of candidates) {
    const why = await start(name);
    if (why === undefined) {
      await tf.ready();
      const choice = { name, tfBackend: tf.getBackend(), skipped };
      log.info({ backend: name, requested: want, skipped }, `TF.js backend: ${name}`);
      return choice;
    }
    skipped.push({ backend: name, reason: why });
  }
  throw new BackendError(want === 'auto' ? 'no TF.js backend could start' : `TF.js backend '${want}' could not start`, skipped);
}
