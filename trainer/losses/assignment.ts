/**
 * Which anchors learn which ground-truth box, for one image. Assigners run on plain numbers
 * read from the head (no gradient flows through a choice); losses then gather those anchors.
 */
export interface Assignment {
  /** Anchor indices chosen as foreground, ascending. */
  anchors: Int32Array;
  /** For each foreground anchor, the index of its ground-truth box. */
  gt: Int32Array;
  /**
   * For each foreground anchor, the assigner's soft target for its class score: the predicted
   * box's IoU with its box (SimOTA), the normalised alignment (task-aligned). ATSS leaves it 1.
   */
  quality: Float32Array;
}

export function emptyAssignment(): Assignment {
  return { anchors: new Int32Array(0), gt: new Int32Array(0), quality: new Float32Array(0) };
}

/** Builds an Assignment from anchor -> (gt, quality), anchors in ascending order. */
export function assignmentFrom(chosen: Map<number, { gt: number; quality: number }>): Assignment {
  const anchors = Int32Array.from([...chosen.keys()].sort((a, b) => a - b));
  return {
    anchors,
    gt: Int32Array.from(anchors, (a) => chosen.get(a)!.gt),
    quality: Float32Array.from(anchors, (a) => chosen.get(a)!.quality),
  };
}

/** The k indices with the smallest (or largest) score, ties broken by lower index so runs repeat. */
export function topK(indices: readonly number[], k: number, score: (i: number) => number, largest: boolean): number[] {
  const keyed = indices.map((i) => ({ i, s: score(i) }));
  keyed.sort((a, b) => (largest ? b.s - a.s : a.s - b.s) || a.i - b.i);
  return keyed.slice(0, k).map((e) => e.i);
}
