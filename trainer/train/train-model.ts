/**
 * The training loop: epochs of augmented batches through the executor, the learning-rate
 * schedule, validation of the EMA weights through onnxruntime after every epoch, the best epoch
 * kept, a checkpoint, early stopping and a wall-clock budget; then the finish (finish.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelStore } from '../../models/store.js';
import { progressBar } from '../progress.js';
import { saveCheckpoint } from './checkpoint.js';
import { writeCurvesPng } from './curves-plot.js';
import { validate, type Validation } from './evaluate.js';
import { finishRun, type TrainResult } from './finish.js';
import type { EpochRecord } from './history.js';
import { writeModelFolder } from './model-folder.js';
import type { TrainOptions } from './options.js';
import { cutToClasses } from './prepare-model.js';
import { newRun, resumeRun, type RunContext } from './run-setup.js';
import { learningRate } from './schedule.js';

/** Writes a line of progress; the CLI prints it, tests collect it. */
export type Say = (line: string) => void;

export type TrainRequest = { options: Partial<TrainOptions> & Pick<TrainOptions, 'data'> } | { resume: string };

export async function trainModel(store: ModelStore, request: TrainRequest, say: Say): Promise<TrainResult> {
  const ctx = 'resume' in request ? await resumeRun(store, request.resume, say) : await newRun(store, request.options, say);
  try {
    const loop = await runEpochs(ctx, say);
    return await finishRun(ctx, loop, say);
  } finally {
    ctx.session.dispose();
  }
}

export interface LoopResult {
  history: EpochRecord[];
  /** Why training ended. */
  stopped: string;
  seconds: number;
}

const fixed = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

/** Seconds kept for the finish: validation, plots and, with --quantize, calibration and the report. */
function reserveFor(ctx: RunContext, valSeconds: number): number {
  return ctx.options.quantize ? 3 * valSeconds + 90 : valSeconds + 15;
}

/**
 * Writes the weights to be deployed (EMA) to weights/last, validates them, and keeps them in
 * weights/best when the metric improved.
 */
function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

async function validateWeights(ctx: RunContext, epoch: number): Promise<{ v: Validation; stop: boolean }> {
  const o = ctx.options;
  const trained = { ...ctx.trainable, model: ctx.session.deployedModel() };
  const deployed = sameLabels(ctx.exportLabels, trained.labels) ? trained : await cutToClasses(trained, ctx.exportLabels);
  const facts = (suffix: string) => ({ name: `${o.name}-${suffix}`, description: `${o.name} epoch ${epoch}`, postprocess: ctx.postprocess, source: { run: o.runDir, epoch } });
  const last = await writeModelFolder(join(o.runDir, 'weights', 'last'), deployed.model, deployed, facts('last'));
  const v = await validate(last, ctx.val.images);
  const { improved, stop } = ctx.early.update(epoch, o.metric === 'map50' ? v.map50 : v.map50_95);
  if (improved) await writeModelFolder(join(o.runDir, 'weights', 'best'), deployed.model, deployed, facts('best'));
  return { v, stop };
}

async function runEpochs(ctx: RunContext, say: Say): Promise<LoopResult> {
  const o = ctx.options;
  const perEpoch = ctx.batches.batchesPerEpoch;
  const r = ctx.resumed;
  let epoch = r?.epoch ?? 0;
  let step = r?.step ?? 0;
  let planned = r?.plannedEpochs ?? o.epochs;
  let totalSteps = r?.totalSteps ?? planned * perEpoch;
  const history = [...(r?.history ?? [])];
  const before = r?.elapsed ?? 0;
  const started = performance.now();
  const elapsed = () => before + (performance.now() - started) / 1000;
  const budget = o.time ? o.time * 60 : Infinity;
  let reserve = 0;
  let stopped = '';
  const firstEpoch = epoch;
  if (!r) {
    // Epoch 0 is the pretrained model with the classes: the baseline, and the best epoch if training never beats it.
    const { v } = await validateWeights(ctx, 0);
    history.push({ epoch: 0, steps: 0, lr: 0, loss: {}, map50: v.map50, map50_95: v.map50_95, seconds: 0, frozen: false, skipped: 0 });
    say(`before training: val mAP@0.5 ${fixed(v.map50)} mAP@0.5:0.95 ${fixed(v.map50_95)} (${v.images} images, ${v.boxes} boxes)`);
  }
  say(`training ${o.name}: ${ctx.train.images.length} images, ${perEpoch} batches of ${o.batch} per epoch, ${planned} epochs, ${o.optimizer} lr ${o.lr}`);

  while (epoch < planned && !stopped) {
    epoch++;
    const frozen = epoch <= o.freezeEpochs;
    const mosaic = epoch > planned - o.closeMosaic ? 0 : o.mosaic;
    const bar = progressBar(`epoch ${epoch}/${planned}`, perEpoch);
    const sums: Record<string, number> = {};
    let steps = 0;
    let skipped = 0;
    let lr = 0;
    let waited = 0;
    let next = ctx.batches.batch(epoch, 0, mosaic);
    try {
      for (let i = 0; i < perEpoch; i++) {
        const w0 = performance.now();
        const batch = await next;
        waited += (performance.now() - w0) / 1000;
        // The next batch decodes on sharp's threads while this one trains.
        if (i + 1 < perEpoch) next = ctx.batches.batch(epoch, i + 1, mosaic);
        lr = learningRate(step, { lr: o.lr, warmupSteps: Math.round(o.warmupEpochs * perEpoch), warmupStart: 0, final: o.lrFinal, totalSteps });
        const st = ctx.session.step(batch, lr, frozen);
        step++;
        if (st.skipped) skipped++;
        else {
          steps++;
          for (const [k, v] of Object.entries(st.loss)) sums[k] = (sums[k] ?? 0) + v;
        }
        bar.tick(`loss ${fixed(st.loss.total!)} lr ${lr.toExponential(2)}`);
        if (elapsed() > budget - reserve) {
          stopped = `time budget of ${o.time} min`;
          break;
        }
      }
    } finally {
      bar.stop();
      await next.catch(() => undefined);
    }

    const loss = Object.fromEntries(Object.entries(sums).map(([k, x]) => [k, x / Math.max(steps, 1)]));
    const { v, stop } = await validateWeights(ctx, epoch);
    history.push({ epoch, steps: step, lr, loss, map50: v.map50, map50_95: v.map50_95, seconds: elapsed(), frozen, skipped });
    await writeFile(join(o.runDir, 'history.json'), JSON.stringify(history, null, 1));
    await writeCurvesPng(join(o.runDir, 'curves.png'), history, `${o.name}: ${ctx.base.model} on ${o.data}`);

    if (Number.isFinite(budget)) {
      reserve = reserveFor(ctx, v.seconds);
      const perEpochSeconds = (elapsed() - before) / (epoch - firstEpoch);
      const fit = Math.max(0, Math.floor((budget - reserve - elapsed()) / perEpochSeconds));
      const replanned = Math.min(o.epochs, epoch + fit);
      if (replanned !== planned) {
        say(`time budget: ${replanned} epochs fit in ${o.time} min (${fixed(perEpochSeconds / 60, 2)} min each), schedule shortened`);
        planned = replanned;
        totalSteps = planned * perEpoch;
      }
    }
    if (!stopped && stop) stopped = `no better ${o.metric} for ${o.patience} epochs`;
    if (!stopped && epoch >= planned) stopped = `${planned} epochs done`;
    const parts = Object.entries(loss).filter(([k]) => k !== 'total').map(([k, x]) => `${k} ${fixed(x)}`).join(' ');
    const eta = ((elapsed() - before) / (epoch - firstEpoch)) * (planned - epoch);
    say(
      `epoch ${epoch}/${planned}${frozen ? ' (backbone frozen)' : ''}  loss ${fixed(loss.total ?? NaN)} (${parts})  lr ${lr.toExponential(2)}  ` +
        `val mAP@0.5 ${fixed(v.map50)} mAP@0.5:0.95 ${fixed(v.map50_95)}  best ${fixed(ctx.early.state.best)} @${ctx.early.state.bestEpoch}  ` +
        `data wait ${fixed(waited, 1)} s  ${fixed(elapsed() / 60, 1)} min${stopped ? '' : `, eta ${fixed(eta / 60, 1)} min`}${skipped ? `  ${skipped} non-finite steps skipped` : ''}`,
    );
    await saveCheckpoint(o.runDir, ctx.session, {
      options: o,
      labels: ctx.trainable.labels,
      family: ctx.trainable.family.name,
      head: ctx.trainable.head,
      preprocess: ctx.trainable.preprocess,
      postprocess: ctx.postprocess,
      base: ctx.base,
      epoch,
      step,
      plannedEpochs: planned,
      totalSteps,
      elapsed: elapsed(),
      early: ctx.early.state,
      ...(stopped ? { finished: stopped } : {}),
      history,
    });
  }
  return { history, stopped: stopped || `${planned} epochs done`, seconds: elapsed() };
}
