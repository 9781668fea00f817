/**
 * A run's checkpoint, written after every epoch into `<run>/checkpoint/`: the graph with the raw
 * (not averaged) weights, the optimizer slots and EMA values in one tensor bundle, and
 * state.json with everything else a resumed run needs (options, epoch, step, schedule length,
 * early-stopping state, history). Files are written under temporary names and renamed, state.json
 * last, so a run killed while saving keeps its previous checkpoint.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Manifest } from '../../models/manifest.js';
import type { PreprocessSpec } from '../../models/preprocess-spec.js';
import { readModel, writeModel, type ModelProto } from '../onnx/index.js';
import type { EarlyStoppingState } from './early-stopping.js';
import { TrainError } from './errors.js';
import type { EpochRecord } from './history.js';
import type { TrainOptions } from './options.js';
import type { TrainingSession } from './session.js';
import { readTensorBundle, writeTensorBundle, type BundleEntry } from './tensor-bundle.js';

export const CHECKPOINT_VERSION = 1;

/** state.json: what is not a tensor. */
export interface CheckpointState {
  version: number;
  /** Options as resolved at the start (lr, momentum, name, run folder filled in). */
  options: TrainOptions & { name: string; runDir: string; lr: number; momentum: number };
  labels: string[];
  family: string;
  head: Record<string, unknown>;
  preprocess: PreprocessSpec;
  postprocess: Manifest['postprocess'];
  /** The pretrained model and how its head was cut. */
  base: { model: string; copied: string[]; fresh: string[] };
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps made. */
  step: number;
  /** Epochs and steps the schedule runs to (shrunk to fit `options.time`). */
  plannedEpochs: number;
  totalSteps: number;
  /** Training seconds so far, over every resumed part of the run. */
  elapsed: number;
  early: EarlyStoppingState;
  emaUpdates: number;
  /** Updates the optimizer made (Adam's bias correction counts them). */
  optimizerSteps: number;
  /** The session's learning-rate multipliers by weight (see session.ts). */
  lrScales: Record<string, number>;
  /** Why the run ended, once it has. */
  finished?: string;
  bundle: BundleEntry[];
  history: EpochRecord[];
}

export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoint');
}

const MODEL_FILE = 'train.onnx';
const TENSORS_FILE = 'tensors.bin';
const STATE_FILE = 'state.json';

export async function saveCheckpoint(runDir: string, session: TrainingSession, state: Omit<CheckpointState, 'bundle' | 'version' | 'emaUpdates' | 'optimizerSteps' | 'lrScales'>): Promise<void> {
  const dir = checkpointDir(runDir);
  await mkdir(dir, { recursive: true });
  const tensors = new Map<string, tf.Tensor>();
  for (const [k, t] of session.optimizer.state().slots) tensors.set(`opt:${k}`, t);
  for (const [k, t] of session.ema?.values ?? []) tensors.set(`ema:${k}`, t);
  const tmp = (f: string) => join(dir, `${f}.tmp`);
  await writeModel(tmp(MODEL_FILE), session.rawModel());
  const bundle = await writeTensorBundle(tmp(TENSORS_FILE), tensors);
  const full: CheckpointState = { version: CHECKPOINT_VERSION, ...state, emaUpdates: session.ema?.updates ?? 0, optimizerSteps: session.optimizer.stepCount, lrScales: Object.fromEntries(session.lrScales ?? []), bundle };
  await writeFile(tmp(STATE_FILE), JSON.stringify(full, null, 1));
  for (const f of [MODEL_FILE, TENSORS_FILE, STATE_FILE]) await rename(tmp(f), join(dir, f));
}

export interface LoadedCheckpoint {
  state: CheckpointState;
  /** The raw weights' graph. */
  model: ModelProto;
  slots: Map<string, tf.Tensor>;
  ema: Map<string, tf.Tensor>;
}

export async function loadCheckpoint(runDir: string): Promise<LoadedCheckpoint> {
  const dir = checkpointDir(runDir);
  const stateFile = join(dir, STATE_FILE);
  if (!existsSync(stateFile)) throw new TrainError(`${runDir}: no checkpoint to resume (${stateFile} is missing)`);
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(stateFile, 'utf8'));
  } catch (e) {
    throw new TrainError(`${stateFile}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (state.version !== CHECKPOINT_VERSION) throw new TrainError(`${stateFile}: field 'version' is ${state.version}; this argus reads version ${CHECKPOINT_VERSION}`);
  const tensors = await readTensorBundle(join(dir, TENSORS_FILE), state.bundle);
  const slots = new Map<string, tf.Tensor>();
  const ema = new Map<string, tf.Tensor>();
  for (const [k, t] of tensors) {
    if (k.startsWith('opt:')) slots.set(k.slice(4), t);
    else if (k.startsWith('ema:')) ema.set(k.slice(4), t);
  }
  return { state, model: await readModel(join(dir, MODEL_FILE)), slots, ema };
}
