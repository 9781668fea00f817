/**
 * The calibration images: a folder of images, or the train split of a YOLO dataset (data yaml or
 * dataset folder), thinned evenly to the number asked for so that runs are reproducible.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS, imagesIn } from '../../../device/detect/inputs.js';
import { DataError } from '../../../models/errors.js';
import { loadYoloDataset } from '../../datasets/yolo-dataset.js';

export interface CalibrationImages {
  /** What `--calib` named, and how it was read. */
  source: string;
  kind: 'image folder' | 'dataset train split';
  /** The images to use, at most the number asked for. */
  files: string[];
  /** Images found before thinning. */
  found: number;
  /** Image files the dataset reader could not open (skipped and counted). */
  unreadable: { file: string; reason: string }[];
}

/** `count` indices spread evenly over `n`, first included. */
function evenlySpaced(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

function isDatasetFolder(dir: string): boolean {
  return existsSync(join(dir, 'images')) || readdirSync(dir).some((f) => /\.ya?ml$/i.test(f));
}

export async function calibrationImages(spec: string, limit: number): Promise<CalibrationImages> {
  if (!existsSync(spec)) throw new DataError(spec, 'no such file or folder (--calib takes a folder of images, or a dataset yaml or folder)');
  let files: string[];
  let unreadable: CalibrationImages['unreadable'] = [];
  let kind: CalibrationImages['kind'];
  if (statSync(spec).isDirectory() && (imagesIn(spec).length > 0 || !isDatasetFolder(spec))) {
    kind = 'image folder';
    files = imagesIn(spec);
    if (!files.length) {
      throw new DataError(spec, `no images to calibrate with: the folder holds no ${[...IMAGE_EXTENSIONS].join(' ')} files and is not a YOLO dataset`);
    }
  } else {
    kind = 'dataset train split';
    const ds = await loadYoloDataset(spec, 'train');
    files = ds.images.map((i) => i.file);
    // The dataset reader drops images it cannot open; its other problems concern labels only.
    unreadable = ds.problems.filter((p) => p.line === undefined && IMAGE_EXTENSIONS.has(extname(p.file).toLowerCase()));
    if (!files.length) throw new DataError(spec, `no readable images in the train split (${unreadable.length} unreadable)`);
  }
  return { source: spec, kind, files: evenlySpaced(files.length, limit).map((i) => files[i]!), found: files.length, unreadable };
}
