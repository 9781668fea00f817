import type { LabelledBox } from '../datasets/dataset.js';
import { assignmentFrom, emptyAssignment, topK, type Assignment } from './assignment.js';

/**
 * The task-aligned assigner (TOOD, Feng et al. 2021) as Ultralytics YOLOv8 uses it, one image.
 * Among anchors whose centre lies inside a box, the box takes the `topk` with the highest
 * alignment score^α · overlap^β, the anchors that both classify and locate it well. An anchor
 * several boxes take goes to the box its prediction overlaps most. Each positive's class target
 * is its alignment, normalised so a box's best anchor gets that anchor's overlap.
 */

export interface TaskAlignedInput {
  gt: readonly LabelledBox[];
  /** Anchor points in input pixels. */
  centreX: Float32Array;
  centreY: Float32Array;
  /** Overlap (CIoU clamped at 0) of box m with anchor a's predicted box at [m · anchors + a]. */
  pairOverlap: Float32Array;
  /** Anchor a's class probability σ(logit) for class c at [a · numClasses + c]. */
  probs: Float32Array;
  numClasses: number;
}

export interface TaskAlignedOptions {
  /** Anchors each box takes. Default 10 (Ultralytics v8DetectionLoss). */
  topk: number;
  /** Exponent of the class score. Default 0.5. */
  alpha: number;
  /** Exponent of the overlap. Default 6. */
  beta: number;
}

export const TASK_ALIGNED_DEFAULTS: TaskAlignedOptions = { topk: 10, alpha: 0.5, beta: 6 };

/** Ultralytics' margin: a centre exactly on the box edge is not inside. */
const EPS = 1e-9;

export function taskAlignedAssign(input: TaskAlignedInput, opts: TaskAlignedOptions = TASK_ALIGNED_DEFAULTS): Assignment {
  const { gt, centreX, centreY, pairOverlap, probs, numClasses } = input;
  const n = centreX.length;
  if (gt.length === 0) return emptyAssignment();

  // Overlap and alignment count only for anchors inside the box; elsewhere they are 0.
  const overlap = gt.map(() => new Float32Array(n));
  const align = gt.map(() => new Float32Array(n));
  const positives = gt.map(({ box, classId }, m) => {
    const inside: number[] = [];
    for (let a = 0; a < n; a++) {
      const d = Math.min(centreX[a]! - box[0], centreY[a]! - box[1], box[2] - centreX[a]!, box[3] - centreY[a]!);
      if (d <= EPS) continue;
      inside.push(a);
      overlap[m]![a] = pairOverlap[m * n + a]!;
      align[m]![a] = probs[a * numClasses + classId]! ** opts.alpha * overlap[m]![a]! ** opts.beta;
    }
    return new Set(topK(inside, opts.topk, (a) => align[m]![a]!, true));
  });

  const owner = new Map<number, number>();
  for (let a = 0; a < n; a++) {
    const wanting = gt.map((_, m) => m).filter((m) => positives[m]!.has(a));
    if (wanting.length === 0) continue;
    // Contested: the box with the highest overlap over all boxes (Ultralytics' argmax), first on ties.
    owner.set(a, wanting.length === 1 ? wanting[0]! : topK(gt.map((_, m) => m), 1, (m) => overlap[m]![a]!, true)[0]!);
  }

  // Normalise per box: its best anchor's target becomes its best overlap among its positives.
  const maxAlign = new Float64Array(gt.length);
  const maxOverlap = new Float64Array(gt.length);
  for (const [a, m] of owner) {
    maxAlign[m] = Math.max(maxAlign[m]!, align[m]![a]!);
    maxOverlap[m] = Math.max(maxOverlap[m]!, overlap[m]![a]!);
  }
  const chosen = new Map<number, { gt: number; quality: number }>();
  for (const [a, m] of owner) chosen.set(a, { gt: m, quality: (align[m]![a]! * maxOverlap[m]!) / (maxAlign[m]! + EPS) });
  return assignmentFrom(chosen);
}
