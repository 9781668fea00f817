import { Detector } from '../../device/detect/detector.js';
import { log } from '../../device/log.js';
import type { PreprocessSpec } from '../../models/preprocess-spec.js';
import type { StoredModel } from '../../models/store.js';
import { EVAL_DEFAULTS, evaluateModel } from '../eval/evaluate-model.js';

export interface PreprocessChoice {
  name: string;
  preprocess: PreprocessSpec;
  head: Record<string, unknown>;
}

export interface SearchResult extends PreprocessChoice {
  map50_95: number;
  map50: number;
}

const IMAGENET_BGR = { mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] } as const;

/** Normalisations a converted detector may expect, in BGR channel order (swapped for RGB). */
const NORMALISATIONS = {
  'mean/std': IMAGENET_BGR,
  '/255': { mean: [0, 0, 0], std: [255, 255, 255] },
  '0..255': { mean: [0, 0, 0], std: [1, 1, 1] },
} as const;

type Triple = [number, number, number];

function inOrder(v: readonly number[], color: 'RGB' | 'BGR'): Triple {
  return (color === 'BGR' ? [v[0], v[1], v[2]] : [v[2], v[1], v[0]]) as Triple;
}

async function score(model: StoredModel, choice: PreprocessChoice, data: string, split: string): Promise<SearchResult> {
  const manifest = { ...model.manifest, preprocess: choice.preprocess, head: { ...model.manifest.head, ...choice.head } };
  let det: Detector | null = null;
  try {
    det = await Detector.fromModel({ ...model, manifest }, { ...EVAL_DEFAULTS, precision: 'fp32' });
    const r = await evaluateModel(det, data, split);
    log.info(`preprocessing ${choice.name}: mAP@0.5:0.95 ${(100 * r.map50_95).toFixed(1)}, mAP@0.5 ${(100 * r.map50).toFixed(1)}`);
    return { ...choice, map50_95: r.map50_95, map50: r.map50 };
  } finally {
    await det?.close();
  }
}

/**
 * Finds the preprocessing a converted model was trained with by measurement: mAP on a labelled
 * split for each candidate, one factor at a time (channel order and normalisation, then letterbox
 * mode, then the grid-centre convention), keeping the best at each step. About ten evaluations
 * instead of the 54 of a full grid.
 */
export async function searchPreprocessing(model: StoredModel, data: string, split: string): Promise<SearchResult[]> {
  const results: SearchResult[] = [];
  const base = model.manifest.preprocess;
  const run = async (choice: PreprocessChoice) => {
    const r = await score(model, choice, data, split);
    results.push(r);
    return r;
  };
  const best = () => results.reduce((a, b) => (b.map50_95 > a.map50_95 ? b : a));

  for (const color of ['BGR', 'RGB'] as const) {
    for (const [norm, { mean, std }] of Object.entries(NORMALISATIONS)) {
      await run({
        name: `${color} ${norm} ${base.letterbox}`,
        preprocess: { ...base, color, mean: inOrder(mean, color), std: inOrder(std, color) },
        head: {},
      });
    }
  }
  const step1 = best();
  for (const letterbox of ['center', 'topleft', 'stretch'] as const) {
    if (letterbox === step1.preprocess.letterbox) continue;
    await run({ name: step1.name.replace(/\S+$/, letterbox), preprocess: { ...step1.preprocess, letterbox }, head: {} });
  }
  const step2 = best();
  if ('gridCenter' in model.manifest.head) {
    for (const gridCenter of ['cell-center', 'pixel-center', 'corner']) {
      if (gridCenter === model.manifest.head.gridCenter) continue;
      await run({ name: `${step2.name} grid ${gridCenter}`, preprocess: step2.preprocess, head: { gridCenter } });
    }
  }
  return results.sort((a, b) => b.map50_95 - a.map50_95);
}
