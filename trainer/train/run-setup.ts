/**
 * Everything a training run needs before its first step, built for a new run (pretrained model,
 * head surgery) or for a resumed one (the checkpoint's graph, optimizer and EMA).
 */
import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Manifest } from '../../models/manifest.js';
import type { ModelStore } from '../../models/store.js';
import { selectBackend } from '../backends/index.js';
import { BatchSource } from './batches.js';
import { loadCheckpoint, type CheckpointState } from './checkpoint.js';
import { EarlyStopping } from './early-stopping.js';
import { TrainError } from './errors.js';
import { defaultLr, defaultMomentum, TRAIN_DEFAULTS, type TrainOptions } from './options.js';
import { prepareModel, trainableFromGraph, type TrainableModel } from './prepare-model.js';
import { TrainingSession } from './session.js';
import { loadSplit, problemLines, type SplitData } from './train-data.js';

export type ResolvedOptions = CheckpointState['options'];

export interface RunContext {
  options: ResolvedOptions;
  store: ModelStore;
  trainable: TrainableModel;
  session: TrainingSession;
  batches: BatchSource;
  train: SplitData;
  val: SplitData;
  early: EarlyStopping;
  /**
   * The classes the trained model reports: the user's list. Training covers every labelled class
   * of the dataset, so objects of the others are not taught as background, and the head is cut
   * to these at each validation and at export.
   */
  exportLabels: string[];
  /** Checkpoint fields carried over (all zero for a new run). */
  resumed: Pick<CheckpointState, 'epoch' | 'step' | 'plannedEpochs' | 'totalSteps' | 'elapsed' | 'history'> | null;
  base: CheckpointState['base'];
  postprocess: Manifest['postprocess'];
}

/** A store name from the model and dataset names. */
function defaultName(model: string, data: string): string {
  const dataName = basename(data, extname(data)) === 'config' || basename(data, extname(data)) === 'data' ? basename(resolve(data, '..')) : basename(data, extname(data));
  return `${basename(model)}-${dataName}`.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'trained';
}

export function resolveOptions(given: Partial<TrainOptions> & Pick<TrainOptions, 'data'>): ResolvedOptions {
  const o = { ...TRAIN_DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as TrainOptions;
  const name = o.name ?? defaultName(o.model, o.data);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new TrainError(`name '${name}': letters, digits, . _ - only, starting with a letter or digit`);
  return {
    ...o,
    name,
    runDir: resolve(o.runDir ?? join('runs', 'train', name)),
    lr: o.lr ?? defaultLr(o.optimizer),
    momentum: o.momentum ?? defaultMomentum(o.optimizer),
  };
}

/**
 * The training split with every class of the dataset, the validation split with the classes to
 * export only (the boxes that are scored).
 */
async function loadData(o: ResolvedOptions, say: (line: string) => void): Promise<{ train: SplitData; val: SplitData; classes: string[]; exportLabels: string[] }> {
  const load = { images: o.images, names: o.names };
  const { data: train, classes } = await loadSplit(o.data, { ...load, split: o.trainSplit }, undefined);
  const { data: val, classes: exportLabels } = await loadSplit(o.data, { ...load, split: o.valSplit }, o.classes);
  for (const d of [train, val]) {
    for (const line of problemLines(d)) say(line);
    const dropped = d.dropped ? `, ${d.dropped} boxes of other classes not scored` : '';
    const skipped = d.problems.length ? `, ${d.problems.length} problems skipped` : '';
    say(`${d.split}: ${d.images.length} images, ${d.boxes} boxes${dropped}${skipped}`);
  }
  if (train.boxes === 0) throw new TrainError(`${o.data}: split '${o.trainSplit}' has no boxes to train on`);
  if (exportLabels.length < classes.length) say(`training all ${classes.length} labelled classes so their objects are not taught as background; the model keeps ${exportLabels.join(', ')}`);
  return { train, val, classes, exportLabels };
}

function sessionOptions(o: ResolvedOptions) {
  return {
    optimizer: { kind: o.optimizer, weightDecay: o.weightDecay, momentum: o.momentum, beta2: 0.999, epsilon: 1e-8 },
    ema: o.ema ? { decay: o.emaDecay, tau: o.emaTau } : null,
    clip: o.clip,
  };
}

function batchSource(o: ResolvedOptions, t: TrainableModel, train: SplitData): BatchSource {
  const augment = {
    width: t.input.width,
    height: t.input.height,
    letterbox: t.preprocess.letterbox,
    pad: t.preprocess.pad,
    resize: t.preprocess.resize,
    mosaic: o.mosaic,
    scale: o.scale,
    translate: o.translate,
    flip: o.flip,
    hsv: o.hsv,
    minSize: 2,
    minAreaRatio: 0.1,
    maxAspect: 100,
  };
  return new BatchSource(train.images, augment, t.preprocess, o.batch, o.seed);
}

export async function newRun(store: ModelStore, given: Partial<TrainOptions> & Pick<TrainOptions, 'data'>, say: (line: string) => void): Promise<RunContext> {
  const options = resolveOptions(given);
  if (existsSync(join(options.runDir, 'checkpoint')) && !options.force) {
    throw new TrainError(`${options.runDir} already holds a run: resume it with --resume ${options.runDir}, or pass --force to start over, or --name / --run-dir for another`);
  }
  if (existsSync(join(store.modelDir(options.name), 'model.json')) && !options.force) {
    throw new TrainError(`model '${options.name}' already exists in ${store.dir} (--force replaces it, --name picks another name)`);
  }
  await selectBackend({ backend: options.backend });
  const baseModel = store.open(options.model);
  const { train, val, classes, exportLabels } = await loadData(options, say);
  const size = options.size ? { width: options.size, height: options.size } : undefined;
  const prepared = await prepareModel(baseModel, { labels: classes, size, seed: options.seed });
  const names = (list: readonly string[]) => (list.length > 8 ? `${list.length} classes` : list.join(', '));
  const kept = prepared.copied.length ? `${names(prepared.copied)} from the pretrained classes` : '';
  const fresh = prepared.fresh.length ? `${names(prepared.fresh)} new` : '';
  say(`model: ${baseModel.manifest.name} (${prepared.family.name}) at ${prepared.input.width}x${prepared.input.height}, classes: ${[kept, fresh].filter(Boolean).join('; ')}`);
  const session = new TrainingSession(prepared, sessionOptions(options));
  const base = { model: baseModel.manifest.name, copied: prepared.copied.filter((l) => exportLabels.includes(l)), fresh: prepared.fresh.filter((l) => exportLabels.includes(l)) };
  return {
    options,
    store,
    trainable: prepared,
    session,
    batches: batchSource(options, prepared, train),
    train,
    val,
    early: new EarlyStopping(options.patience),
    exportLabels,
    resumed: null,
    base,
    postprocess: baseModel.manifest.postprocess,
  };
}

export async function resumeRun(store: ModelStore, runDir: string, say: (line: string) => void): Promise<RunContext> {
  const ck = await loadCheckpoint(resolve(runDir));
  const { state } = ck;
  if (state.finished) throw new TrainError(`${runDir}: the run already finished (${state.finished}); start a new one to train further`);
  const options = { ...state.options, runDir: resolve(runDir) };
  await selectBackend({ backend: options.backend });
  const { train, val, classes, exportLabels } = await loadData(options, say);
  if (classes.join('\n') !== state.labels.join('\n')) throw new TrainError(`${options.data}: classes are now ${classes.join(', ')}, the checkpoint has ${state.labels.join(', ')}`);
  const trainable = trainableFromGraph(ck.model, state.family, state.head, state.labels, state.preprocess);
  const session = new TrainingSession(trainable, sessionOptions(options));
  session.optimizer.load({ step: state.optimizerSteps, slots: ck.slots });
  session.lrScales = new Map(Object.entries(state.lrScales));
  if (session.ema) session.ema.load(ck.ema, state.emaUpdates);
  say(`resuming ${options.name} after epoch ${state.epoch} of ${state.plannedEpochs} (step ${state.step})`);
  return {
    options,
    store,
    trainable,
    session,
    batches: batchSource(options, trainable, train),
    train,
    val,
    early: new EarlyStopping(options.patience, state.early),
    exportLabels,
    resumed: state,
    base: state.base,
    postprocess: state.postprocess,
  };
}
