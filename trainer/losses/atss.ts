import { iou, type Box } from '../../models/boxes.js';
import type { LabelledBox } from '../datasets/dataset.js';
import { assignmentFrom, emptyAssignment, topK, type Assignment } from './assignment.js';

/**
 * ATSS (Zhang et al. 2020), the assigner of NanoDet-m's GFL head, one image. Each anchor stands
 * for a square cell box `octaveScale` strides wide. Per level, a box takes the `topk` anchors
 * nearest its centre as candidates; those whose cell IoU reaches the mean + standard deviation of
 * the candidates' IoUs, and whose centre lies inside the box, become its positives. The threshold
 * adapts to each box's size and shape instead of one fixed IoU. Uses geometry only, no predictions.
 */

export interface AtssInput {
  gt: readonly LabelledBox[];
  /** Anchor points in input pixels, strides, and anchors per level in order. */
  centreX: Float32Array;
  centreY: Float32Array;
  stride: Float32Array;
  levelSizes: readonly number[];
}

export interface AtssOptions {
  /** Candidates per level and box. Default 9. */
  topk: number;
  /** Cell box side, in strides (NanoDet-m's octave_base_scale). Default 5. */
  octaveScale: number;
}

export const ATSS_DEFAULTS: AtssOptions = { topk: 9, octaveScale: 5 };

/** How far inside the box (pixels) a positive's centre must be, as in NanoDet. */
const INSIDE_MARGIN = 0.01;

export function atssAssign(input: AtssInput, opts: AtssOptions = ATSS_DEFAULTS): Assignment {
  const { gt, centreX, centreY, stride, levelSizes } = input;
  if (gt.length === 0) return emptyAssignment();
  const cell = (a: number): Box => {
    const half = (opts.octaveScale * stride[a]!) / 2;
    return [centreX[a]! - half, centreY[a]! - half, centreX[a]! + half, centreY[a]! + half];
  };

  const best = new Map<number, { gt: number; overlap: number }>();
  gt.forEach(({ box }, m) => {
    const gx = (box[0] + box[2]) / 2;
    const gy = (box[1] + box[3]) / 2;
    const candidates: number[] = [];
    let start = 0;
    for (const size of levelSizes) {
      const level = Array.from({ length: size }, (_, i) => start + i);
      candidates.push(...topK(level, Math.min(opts.topk, size), (a) => Math.hypot(centreX[a]! - gx, centreY[a]! - gy), false));
      start += size;
    }
    const overlaps = candidates.map((a) => iou(cell(a), box));
    const mean = overlaps.reduce((s, v) => s + v, 0) / overlaps.length;
    // torch.std is the sample standard deviation (n − 1), which the reference uses.
    const std = Math.sqrt(overlaps.reduce((s, v) => s + (v - mean) ** 2, 0) / (overlaps.length - 1));
    candidates.forEach((a, j) => {
      const inside = Math.min(centreX[a]! - box[0], centreY[a]! - box[1], box[2] - centreX[a]!, box[3] - centreY[a]!) > INSIDE_MARGIN;
      if (overlaps[j]! < mean + std || !inside) return;
      // An anchor positive for several boxes serves the one its cell overlaps most.
      const prev = best.get(a);
      if (!prev || overlaps[j]! > prev.overlap) best.set(a, { gt: m, overlap: overlaps[j]! });
    });
  });
  return assignmentFrom(new Map([...best].map(([a, b]) => [a, { gt: b.gt, quality: 1 }])));
}
