export interface Det {
  label: string;
  score: number;
  box: [number, number, number, number];
}

export interface DetectLine {
  file: string;
  model: { name: string; precision: string };
  detections: Det[];
}

/** The lines `argus detect --json` prints. */
export function parseDetectJson(stdout: string): DetectLine[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as DetectLine);
}

export interface Tolerance {
  /** Largest difference of any box coordinate, in model-input pixels. Default: 2. */
  boxPx: number;
  /** Largest score difference. Default: 0.02. */
  score: number;
  /**
   * Model-input pixels per image pixel (the letterbox scale). Default 1. int8 kernels of two CPUs
   * may differ by a rounding step, which moves a box edge by about one pixel of the model's input:
   * the grid the model predicts on, whatever the photo's size.
   */
  scale: number;
}

/**
 * Pairs each detection of run `a` with the same-label detection of run `b` whose box is closest,
 * within the tolerance (`maxBox` in model-input pixels, `maxBoxImagePx` in the image's). A detection scoring within `tol.score` of the threshold may exist in one
 * run only (the other run's score fell just under it); every other one must pair.
 */
export function compareDetections(a: readonly Det[], b: readonly Det[], threshold: number, tolerance: Partial<Tolerance> = {}) {
  const tol: Tolerance = { boxPx: 2, score: 0.02, scale: 1, ...tolerance };
  const used = new Set<number>();
  let maxBox = 0;
  let maxScore = 0;
  const unmatched: Det[] = [];
  for (const d of a) {
    let best = -1;
    let bestDiff = Infinity;
    b.forEach((e, i) => {
      if (used.has(i) || e.label !== d.label) return;
      const diff = tol.scale * Math.max(...d.box.map((v, k) => Math.abs(v - e.box[k]!)));
      if (diff < bestDiff) [best, bestDiff] = [i, diff];
    });
    if (best < 0 || bestDiff > tol.boxPx || Math.abs(b[best]!.score - d.score) > tol.score) {
      if (d.score >= threshold + tol.score) unmatched.push(d);
      continue;
    }
    used.add(best);
    maxBox = Math.max(maxBox, bestDiff);
    maxScore = Math.max(maxScore, Math.abs(b[best]!.score - d.score));
  }
  const leftover = b.filter((e, i) => !used.has(i) && e.score >= threshold + tol.score);
  return { maxBox, maxBoxImagePx: maxBox / tol.scale, maxScore, unmatched, leftover, paired: used.size };
}
