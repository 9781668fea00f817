import { iou, type Candidate } from './boxes.js';

export interface NmsOptions {
  /** Boxes of the same class overlapping more than this are suppressed. */
  iouThreshold: number;
  /** Keep at most this many boxes in all. */
  maxDetections: number;
  /** Suppress across classes too (one box per object whatever its label). Default false. */
  classAgnostic?: boolean;
}

/**
 * Greedy class-aware non-maximum suppression. Written here rather than taken from a library:
 * no maintained npm package does class-aware NMS on plain arrays without pulling in a tensor runtime.
 */
export function nms<T extends Candidate>(candidates: readonly T[], opts: NmsOptions): T[] {
  const order = candidates.slice().sort((a, b) => b.score - a.score);
  const keptByClass = new Map<number, T[]>();
  const kept: T[] = [];
  for (const c of order) {
    if (kept.length >= opts.maxDetections) break;
    const group = opts.classAgnostic ? -1 : c.classId;
    let same = keptByClass.get(group);
    if (!same) {
      same = [];
      keptByClass.set(group, same);
    }
    if (same.some((k) => iou(k.box, c.box) > opts.iouThreshold)) continue;
    same.push(c);
    kept.push(c);
  }
  return kept;
}
