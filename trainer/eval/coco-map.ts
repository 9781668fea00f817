import type { Box } from '../../models/boxes.js';

/**
 * COCO-style box mAP, computed the way pycocotools' COCOeval does for iouType 'bbox', area range
 * 'all' and maxDets 100, so numbers here can be compared with published COCO numbers and with
 * Ultralytics/pycocotools runs on the same detections. YOLO labels have no iscrowd, so no ground
 * truth is ever ignored.
 */

export interface GroundTruthBox {
  classId: number;
  box: Box;
}

export interface ScoredBox extends GroundTruthBox {
  score: number;
}

export interface EvalImage {
  gt: readonly GroundTruthBox[];
  dets: readonly ScoredBox[];
}

export interface EvalOptions {
  /** Detections kept per image and class, highest scores first (pycocotools' maxDets[-1]). */
  maxDets?: number;
}

/** AP of one class that has ground truth; classes without any have no AP (pycocotools' -1). */
export interface ClassAp {
  classId: number;
  ap50_95: number;
  ap50: number;
  ap75: number;
  gtCount: number;
  /** Detections of this class evaluated, after the maxDets cap. */
  detCount: number;
}

/** Precision sampled at the 101 recall points, IoU 0.5, for one class with ground truth. */
export interface PrCurve {
  classId: number;
  recall: number[];
  precision: number[];
}

export interface EvalResult {
  map50_95: number;
  map50: number;
  map75: number;
  perClass: ClassAp[];
  pr: PrCurve[];
}

// pycocotools builds both grids with np.linspace, whose values are i * step + start with the last
// one set to stop; building them the same way keeps threshold comparisons bit-identical
// (0.5 + 8 * 0.05 is 0.8999999999999999 there too).
function linspace(start: number, stop: number, n: number): number[] {
  const step = (stop - start) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : i * step + start));
}

export const IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, 10);
export const RECALL_POINTS: readonly number[] = linspace(0, 1, 101);
const T50 = 0;
const T75 = 5;
/** np.spacing(1): pycocotools adds it to the precision denominator. */
const EPS = 2 ** -52;

/** pycocotools' bbox IoU: boxes as x, y, w, h, no +1 on widths (maskApi.c bbIou). */
function cocoIou(d: Box, g: Box): number {
  const dw = d[2] - d[0];
  const dh = d[3] - d[1];
  const gw = g[2] - g[0];
  const gh = g[3] - g[1];
  const w = Math.min(d[0] + dw, g[0] + gw) - Math.max(d[0], g[0]);
  if (w <= 0) return 0;
  const h = Math.min(d[1] + dh, g[1] + gh) - Math.max(d[1], g[1]);
  if (h <= 0) return 0;
  const inter = w * h;
  return inter / (dw * dh + gw * gh - inter);
}

/** What one class collects over all images before precision/recall is accumulated. */
interface ClassPool {
  gtCount: number;
  scores: number[];
  /** matched[t][i]: detection i (in pool order) matched a ground truth at threshold t. */
  matched: boolean[][];
}

export function evaluateDetections(images: readonly EvalImage[], numClasses: number, opts: EvalOptions = {}): EvalResult {
  const maxDets = opts.maxDets ?? 100;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
  if (!Number.isInteger(maxDets) || maxDets < 1) throw new RangeError(`maxDets must be a positive integer, got ${maxDets}`);

  const pools: ClassPool[] = Array.from({ length: numClasses }, () => ({
    gtCount: 0,
    scores: [],
    matched: IOU_THRESHOLDS.map(() => []),
  }));

  images.forEach((image, i) => {
    const byClass = groupByClass(image, i, numClasses);
    for (const [classId, { gt, dets }] of byClass) matchImageClass(gt, dets.slice(0, maxDets), pools[classId]);
  });

  const perClass: ClassAp[] = [];
  const pr: PrCurve[] = [];
  pools.forEach((pool, classId) => {
    // A class without ground truth has no recall, so no AP: pycocotools marks it -1 and leaves it
    // out of every mean, and its detections cost the other classes nothing.
    if (pool.gtCount === 0) return;
    const curves = accumulate(pool);
    const aps = curves.map(mean);
    perClass.push({ classId, ap50_95: mean(aps), ap50: aps[T50], ap75: aps[T75], gtCount: pool.gtCount, detCount: pool.scores.length });
    pr.push({ classId, recall: [...RECALL_POINTS], precision: curves[T50] });
  });
  if (perClass.length === 0) throw new RangeError(`no ground-truth boxes in any of the ${images.length} images: mAP is undefined`);
  return {
    map50_95: mean(perClass.map((c) => c.ap50_95)),
    map50: mean(perClass.map((c) => c.ap50)),
    map75: mean(perClass.map((c) => c.ap75)),
    perClass,
    pr,
  };
}

/** Splits one image by class, checking every box, with detections highest score first. */
function groupByClass(image: EvalImage, index: number, numClasses: number): Map<number, { gt: Box[]; dets: ScoredBox[] }> {
  const groups = new Map<number, { gt: Box[]; dets: ScoredBox[] }>();
  const group = (classId: number) => {
    let g = groups.get(classId);
    if (!g) groups.set(classId, (g = { gt: [], dets: [] }));
    return g;
  };
  image.gt.forEach((g, j) => {
    checkBox(g, numClasses, `image ${index} gt ${j}`);
    group(g.classId).gt.push(g.box);
  });
  image.dets.forEach((d, j) => {
    checkBox(d, numClasses, `image ${index} det ${j}`);
    if (!Number.isFinite(d.score)) throw new RangeError(`image ${index} det ${j}: score ${d.score} is not a finite number`);
    group(d.classId).dets.push(d);
  });
  // Array.prototype.sort is stable, like the mergesort pycocotools uses: equal scores keep input order.
  for (const g of groups.values()) g.dets.sort((a, b) => b.score - a.score);
  return groups;
}

function checkBox(b: GroundTruthBox, numClasses: number, where: string): void {
  if (!Number.isInteger(b.classId) || b.classId < 0 || b.classId >= numClasses) {
    throw new RangeError(`${where}: classId ${b.classId} is outside 0..${numClasses - 1}`);
  }
  if (b.box.length !== 4 || !b.box.every(Number.isFinite)) throw new RangeError(`${where}: box [${b.box.join(', ')}] is not 4 finite numbers`);
}

/**
 * Greedy matching of pycocotools' evaluateImg: at each threshold, each detection in score order
 * takes the still-unmatched ground truth with the highest IoU >= threshold; on equal IoU the later
 * ground truth wins, as there.
 */
function matchImageClass(gt: Box[], dets: ScoredBox[], pool: ClassPool): void {
  pool.gtCount += gt.length;
  const ious = dets.map((d) => gt.map((g) => cocoIou(d.box, g)));
  IOU_THRESHOLDS.forEach((t, ti) => {
    const taken = new Uint8Array(gt.length);
    for (const row of ious) {
      let best = Math.min(t, 1 - 1e-10);
      let m = -1;
      for (let g = 0; g < gt.length; g++) {
        if (taken[g] || row[g] < best) continue;
        best = row[g];
        m = g;
      }
      if (m >= 0) taken[m] = 1;
      pool.matched[ti].push(m >= 0);
    }
  });
  for (const d of dets) pool.scores.push(d.score);
}

/** pycocotools' accumulate for one class: the 101-point precision curve at each IoU threshold. */
function accumulate(pool: ClassPool): number[][] {
  const order = pool.scores.map((_, i) => i);
  // Images were pooled in input order, each already score-sorted: a stable sort of the pool by
  // descending score is then exactly np.argsort(-dtScores, kind='mergesort').
  order.sort((a, b) => pool.scores[b] - pool.scores[a]);
  return pool.matched.map((matched) => {
    const n = order.length;
    const recall = new Float64Array(n);
    const precision = new Float64Array(n);
    let tp = 0;
    for (let i = 0; i < n; i++) {
      if (matched[order[i]]) tp++;
      recall[i] = tp / pool.gtCount;
      precision[i] = tp / (i + 1 + EPS);
    }
    // Precision envelope: the best precision reachable at this recall or beyond.
    for (let i = n - 1; i > 0; i--) if (precision[i] > precision[i - 1]) precision[i - 1] = precision[i];
    // np.searchsorted(recall, recThrs, side='left'); recall points past the last one reached stay 0.
    const q = new Array<number>(RECALL_POINTS.length).fill(0);
    let i = 0;
    for (let r = 0; r < RECALL_POINTS.length; r++) {
      while (i < n && recall[i] < RECALL_POINTS[r]) i++;
      if (i === n) break;
      q[r] = precision[i];
    }
    return q;
  });
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
