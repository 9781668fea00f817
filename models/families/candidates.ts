import type { Candidate } from '../boxes.js';
import type { DecodeContext } from '../family.js';

/** Adds the best class (or every class over the threshold, for multi-label) of one box. */
export function pushScores(
  out: Candidate[],
  box: Candidate['box'],
  ctx: Pick<DecodeContext<unknown>, 'numClasses' | 'scoreThreshold' | 'multiLabel'>,
  scoreOf: (classId: number) => number,
): void {
  if (ctx.multiLabel) {
    for (let c = 0; c < ctx.numClasses; c++) {
      const score = scoreOf(c);
      if (score >= ctx.scoreThreshold) out.push({ box, score, classId: c });
    }
    return;
  }
  let best = -1;
  let bestScore = -Infinity;
  for (let c = 0; c < ctx.numClasses; c++) {
    const score = scoreOf(c);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  if (bestScore >= ctx.scoreThreshold) out.push({ box, score: bestScore, classId: best });
}
