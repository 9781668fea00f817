import type { LabelledBox } from '../datasets/dataset.js';
import { assignmentFrom, emptyAssignment, topK, type Assignment } from './assignment.js';

/**
 * YOLOX's SimOTA (Ge et al. 2021), one image. Candidates are anchors whose centre lies inside a
 * box or within `centerRadius` strides of its centre. Each box costs every candidate
 * cls + 3·(−log IoU), plus a large penalty unless the candidate is both inside the box and near
 * its centre. A box takes its k cheapest candidates, k = the sum of its 10 best IoUs (at least 1),
 * so well-predicted boxes claim more anchors; an anchor two boxes want goes to the cheaper one.
 */

export interface SimOtaInput {
  gt: readonly LabelledBox[];
  /** Anchor centres in input pixels, and strides. */
  centreX: Float32Array;
  centreY: Float32Array;
  stride: Float32Array;
  /** IoU of box m with anchor a's predicted box at [m · anchors + a]. */
  pairIou: Float32Array;
  /** Anchor a's joint score for class c, sqrt(σ(cls)·σ(obj)), at [a · numClasses + c]. */
  probs: Float32Array;
  numClasses: number;
}

export interface SimOtaOptions {
  /** Centre region half-size, in strides. Default 2.5. */
  centerRadius: number;
  /** Best IoUs summed to size k. Default 10. */
  candidateTopK: number;
  /** Weight of the IoU cost against the class cost. Default 3. */
  iouWeight: number;
}

export const SIMOTA_DEFAULTS: SimOtaOptions = { centerRadius: 2.5, candidateTopK: 10, iouWeight: 3 };

/** What keeps a candidate outside the box-and-centre region from being chosen unless nothing else is left. */
const OUTSIDE_COST = 1e5;

export function simOtaAssign(input: SimOtaInput, opts: SimOtaOptions = SIMOTA_DEFAULTS): Assignment {
  const { gt, centreX, centreY, stride, pairIou, probs, numClasses } = input;
  const n = centreX.length;
  if (gt.length === 0) return emptyAssignment();

  const inBox = gt.map(() => new Uint8Array(n));
  const inCentre = gt.map(() => new Uint8Array(n));
  const candidates: number[] = [];
  for (let a = 0; a < n; a++) {
    let any = false;
    gt.forEach(({ box: [x1, y1, x2, y2] }, m) => {
      const cx = centreX[a]!;
      const cy = centreY[a]!;
      inBox[m]![a] = cx > x1 && cx < x2 && cy > y1 && cy < y2 ? 1 : 0;
      const r = opts.centerRadius * stride[a]!;
      inCentre[m]![a] = Math.abs(cx - (x1 + x2) / 2) < r && Math.abs(cy - (y1 + y2) / 2) < r ? 1 : 0;
      any ||= inBox[m]![a] === 1 || inCentre[m]![a] === 1;
    });
    if (any) candidates.push(a);
  }
  if (candidates.length === 0) return emptyAssignment();

  // Class cost: BCE of the joint score against the box's one-hot class, summed over classes.
  // Every class contributes −log(1 − p); the box's own class swaps that for −log p.
  const logOf = (p: number) => Math.max(Math.log(p), -100); // torch's BCE clamps its logs so
  const negBase = new Map<number, number>();
  for (const a of candidates) {
    let s = 0;
    for (let c = 0; c < numClasses; c++) s -= logOf(1 - probs[a * numClasses + c]!);
    negBase.set(a, s);
  }
  const cost = (m: number, a: number) => {
    const p = probs[a * numClasses + gt[m]!.classId]!;
    const cls = negBase.get(a)! + logOf(1 - p) - logOf(p);
    const iouCost = -Math.log(pairIou[m * n + a]! + 1e-8);
    const outside = inBox[m]![a] && inCentre[m]![a] ? 0 : OUTSIDE_COST;
    return cls + opts.iouWeight * iouCost + outside;
  };

  const matches = new Map<number, number[]>();
  gt.forEach((_, m) => {
    const best = topK(candidates, Math.min(opts.candidateTopK, candidates.length), (a) => pairIou[m * n + a]!, true);
    const k = Math.max(1, Math.floor(best.reduce((s, a) => s + pairIou[m * n + a]!, 0)));
    for (const a of topK(candidates, k, (a) => cost(m, a), false)) matches.set(a, [...(matches.get(a) ?? []), m]);
  });

  const chosen = new Map<number, { gt: number; quality: number }>();
  for (const [a, ms] of matches) {
    // Wanted by several boxes: the box it costs least goes first (over all boxes, as YOLOX does).
    const m = ms.length === 1 ? ms[0]! : topK(gt.map((_, i) => i), 1, (i) => cost(i, a), false)[0]!;
    chosen.set(a, { gt: m, quality: pairIou[m * n + a]! });
  }
  return assignmentFrom(chosen);
}
