import { iou, type Box } from '../../models/boxes.js';

export interface LabelledBox {
  label: string;
  box: Box;
}

/** How many of `from`'s boxes, over all frames, have a box of the same label in `to` with IoU at or above `minIou`. */
export function agreement(from: readonly (readonly LabelledBox[])[], to: readonly (readonly LabelledBox[])[], minIou = 0.5): { matched: number; total: number; ratio: number } {
  let matched = 0;
  let total = 0;
  for (let f = 0; f < from.length; f++) {
    const others = to[f] ?? [];
    for (const d of from[f]!) {
      total++;
      if (others.some((o) => o.label === d.label && iou(o.box, d.box) >= minIou)) matched++;
    }
  }
  return { matched, total, ratio: total ? matched / total : 1 };
}
