import type { CheckReport } from './check-dataset.js';
import type { DataProblem } from './dataset.js';

/** `argus data check`'s report for people: counts first, then every problem, one a line. */
export function checkReportText(r: CheckReport): string {
  const used = r.classes.filter((c) => c.boxes > 0);
  const lines = [
    `${r.root} (${r.format}, split ${r.split}): ${r.images} images, ${r.boxes} boxes, ${used.length} of ${r.classes.length} classes`,
  ];
  if (used.length > 0) {
    const width = Math.max(5, ...used.map((c) => c.name.length));
    lines.push(`  ${'class'.padEnd(width)}  images   boxes`);
    for (const c of used) lines.push(`  ${c.name.padEnd(width)}  ${String(c.images).padStart(6)}  ${String(c.boxes).padStart(6)}`);
  }
  const unused = r.classes.filter((c) => c.boxes === 0);
  if (unused.length > 0) lines.push(`classes without boxes: ${unused.map((c) => c.name).join(', ')}`);
  if (r.unlabelled > 0) lines.push(`${r.unlabelled} images without labels (kept as background)`);
  if (r.withoutBoxes > 0) lines.push(`${r.withoutBoxes} labelled images left with no boxes`);
  for (const [why, n] of Object.entries(r.ignored)) lines.push(`${n} boxes ignored (${why})`);
  if (r.problems.length > 0) {
    lines.push(`${r.problems.length} problems (skipped):`);
    for (const p of r.problems) lines.push(`  ${problemText(p)}`);
  }
  if (r.outOfRange.length > 0) {
    lines.push(`${r.outOfRange.length} boxes reach past the image edge (clipped when training):`);
    for (const b of r.outOfRange) {
      lines.push(`  ${b.file}: ${r.classes[b.classId]!.name} [${b.box.map((v) => +v.toFixed(1)).join(', ')}] in ${b.width}x${b.height}`);
    }
  }
  if (r.duplicates.length > 0) {
    lines.push(`${r.duplicates.length} groups of identical images:`);
    for (const g of r.duplicates) lines.push(`  ${g.join(' = ')}`);
  }
  lines.push(r.usable ? 'usable for training' : 'nothing usable: no image has a box');
  return lines.join('\n');
}

/** `file:line: reason`, the form editors and terminals turn into links. */
export function problemText(p: DataProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.reason}`;
}
