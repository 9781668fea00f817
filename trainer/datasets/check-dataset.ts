import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Box } from '../../models/boxes.js';
import type { DataProblem, Dataset, DatasetFormat } from './dataset.js';
import { CONCURRENCY, mapLimit } from './files.js';

/**
 * What `argus data check` reports about a loaded dataset: counts per class, what was skipped and
 * why, boxes that reach past the image (kept, and clipped by augmentation), and images that are
 * byte-for-byte the same file twice (which leaks between splits and weighs one photo double).
 */

export interface ClassCount {
  classId: number;
  name: string;
  /** Images with at least one box of this class. */
  images: number;
  boxes: number;
}

export interface OutOfRangeBox {
  file: string;
  classId: number;
  box: Box;
  width: number;
  height: number;
}

export interface CheckReport {
  format: DatasetFormat;
  root: string;
  split: string;
  images: number;
  boxes: number;
  /** Every class, in class order, including those without boxes. */
  classes: ClassCount[];
  /** Images without a label file or annotation (background images). */
  unlabelled: number;
  /** Images with labels of which none survived (all lines bad, or an empty label file). */
  withoutBoxes: number;
  problems: DataProblem[];
  outOfRange: OutOfRangeBox[];
  /** Groups of images with identical content, each sorted by path. */
  duplicates: string[][];
  ignored: Record<string, number>;
  /** At least one image has at least one box: there is something to train on. */
  usable: boolean;
}

/** Sub-pixel overhang is rounding in normalised labels, not a labelling mistake. */
const EDGE_SLACK = 0.5;

export async function checkDataset(ds: Dataset): Promise<CheckReport> {
  const classes: ClassCount[] = ds.names.map((name, classId) => ({ classId, name, images: 0, boxes: 0 }));
  const outOfRange: OutOfRangeBox[] = [];
  let boxes = 0;
  let withBoxes = 0;
  for (const img of ds.images) {
    const seen = new Set<number>();
    for (const b of img.boxes) {
      const c = classes[b.classId]!;
      c.boxes++;
      if (!seen.has(b.classId)) c.images++;
      seen.add(b.classId);
      const [x1, y1, x2, y2] = b.box;
      if (x1 < -EDGE_SLACK || y1 < -EDGE_SLACK || x2 > img.width + EDGE_SLACK || y2 > img.height + EDGE_SLACK) {
        outOfRange.push({ file: img.file, classId: b.classId, box: b.box, width: img.width, height: img.height });
      }
    }
    boxes += img.boxes.length;
    if (img.boxes.length > 0) withBoxes++;
  }
  return {
    format: ds.format,
    root: ds.root,
    split: ds.split,
    images: ds.images.length,
    boxes,
    classes,
    unlabelled: ds.unlabelled,
    withoutBoxes: ds.images.length - withBoxes - ds.unlabelled,
    problems: ds.problems,
    outOfRange,
    duplicates: await duplicateFiles(ds.images.map((i) => i.file)),
    ignored: ds.ignored,
    usable: withBoxes > 0,
  };
}

/** Groups of files whose content hashes alike, in path order. */
export async function duplicateFiles(files: readonly string[]): Promise<string[][]> {
  const hashes = await mapLimit(files, CONCURRENCY, async (f) => createHash('sha256').update(await readFile(f)).digest('hex'));
  const groups = new Map<string, string[]>();
  hashes.forEach((h, i) => groups.set(h, [...(groups.get(h) ?? []), files[i]!]));
  return [...groups.values()].filter((g) => g.length > 1);
}
