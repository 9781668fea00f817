import { clipBox } from '../../models/boxes.js';
import type { LabelledBox } from '../datasets/dataset.js';
import { linearScale, mapBox, type Affine } from './affine.js';

/** When a box that augmentation moved, scaled or cut is still worth learning from. */
export interface BoxFilter {
  /** Smallest width and height kept, input pixels (Ultralytics wh_thr 2). */
  minSize: number;
  /** Smallest fraction of its scaled area a clipped box must keep (Ultralytics area_thr 0.1). */
  minAreaRatio: number;
  /** Largest width:height or height:width kept (Ultralytics ar_thr 100). */
  maxAspect: number;
}

/**
 * Maps boxes through `m`, clips them to the output and drops those the crop left too small, too
 * thin or mostly outside: a sliver of an object at the border would teach the model to fire on
 * fragments (Ultralytics' box_candidates).
 */
export function transformBoxes(boxes: readonly LabelledBox[], m: Affine, width: number, height: number, filter: BoxFilter): LabelledBox[] {
  const s = linearScale(m);
  const out: LabelledBox[] = [];
  for (const { classId, box } of boxes) {
    const clipped = clipBox(mapBox(m, box), width, height);
    const w = clipped[2] - clipped[0];
    const h = clipped[3] - clipped[1];
    const scaledArea = (box[2] - box[0]) * (box[3] - box[1]) * s * s;
    if (w <= filter.minSize || h <= filter.minSize) continue;
    if ((w * h) / scaledArea <= filter.minAreaRatio) continue;
    if (Math.max(w / h, h / w) >= filter.maxAspect) continue;
    out.push({ classId, box: clipped });
  }
  return out;
}
