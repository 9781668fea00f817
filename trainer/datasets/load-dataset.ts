import { readdirSync, type Dirent } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { DataError } from '../../models/errors.js';
import { loadCocoDataset } from './coco-dataset.js';
import type { Dataset, DatasetFormat } from './dataset.js';
import { statOrNull } from './files.js';
import { loadVocDataset } from './voc-dataset.js';
import { loadYoloDataset } from './yolo-dataset.js';

/** One entry point for every format: the format is read from the path, never from a flag. */

export interface LoadOptions {
  /**
   * YOLO: a data yaml key or an `images/<split>` folder (default `train`). VOC: an
   * `ImageSets/Main` list or a subfolder (default every image). COCO: the json to pick in an
   * `annotations/` folder, and the image folder to look in (default from the json's name).
   */
  split?: string;
  /** COCO: the folder the json's `file_name` entries are relative to. */
  images?: string;
  /** VOC: the class names file. */
  names?: string;
}

/** The YOLO split read when none is named: the one training uses. */
export const DEFAULT_YOLO_SPLIT = 'train';

export async function loadDataset(path: string, opts: LoadOptions = {}): Promise<Dataset> {
  const { format, file } = detectFormat(path, opts.split);
  switch (format) {
    case 'yolo': {
      const ds = await loadYoloDataset(file, opts.split ?? DEFAULT_YOLO_SPLIT);
      const { missingLabelFiles, ...rest } = ds;
      return { format, ...rest, unlabelled: missingLabelFiles, ignored: {} };
    }
    case 'coco':
      return loadCocoDataset(file, { images: opts.images, split: opts.split });
    case 'voc':
      return loadVocDataset(file, { split: opts.split, names: opts.names });
  }
}

/**
 * Which format a path holds, and the file or folder its loader reads:
 * - a `.json` file, or a folder with `annotations/*.json`: COCO;
 * - a `.yaml` file, or a folder with a yaml or a `labels/` folder: YOLO (checked before COCO,
 *   since YOLO datasets such as coco128 often carry their COCO json too);
 * - a folder with `Annotations/` or `.xml` files (at the top or one folder down): Pascal VOC.
 */
export function detectFormat(path: string, split?: string): { format: DatasetFormat; file: string } {
  const p = resolve(path);
  const st = statOrNull(p);
  if (!st) throw new DataError(p, 'no such file or folder');
  if (st.isFile()) {
    const ext = extname(p).toLowerCase();
    if (ext === '.json') return { format: 'coco', file: p };
    if (ext === '.yaml' || ext === '.yml') return { format: 'yolo', file: p };
    throw new DataError(p, 'not a dataset: expected a data yaml (YOLO), a .json (COCO) or a dataset folder');
  }
  const entries = readdirSync(p, { withFileTypes: true });
  const has = (name: string, dir: boolean) => entries.some((e) => e.name === name && e.isDirectory() === dir);
  if (entries.some((e) => e.isFile() && /\.ya?ml$/i.test(e.name)) || has('labels', true)) return { format: 'yolo', file: p };
  if (has('annotations', true)) return { format: 'coco', file: cocoJsonIn(join(p, 'annotations'), split) };
  if (has('Annotations', true) || hasXml(p, entries)) return { format: 'voc', file: p };
  throw new DataError(
    p,
    'not a dataset folder: found no data yaml or labels/ (YOLO), no annotations/*.json (COCO), no Annotations/ or .xml files (Pascal VOC)',
  );
}

function cocoJsonIn(dir: string, split: string | undefined): string {
  const jsons = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.json')).sort();
  const pick = split === undefined ? jsons : jsons.filter((f) => basename(f, '.json').includes(split));
  if (pick.length === 1) return join(dir, pick[0]!);
  const what = split === undefined ? 'more than one json' : `${pick.length} jsons for split '${split}'`;
  if (jsons.length === 0) throw new DataError(dir, 'no COCO .json file here');
  throw new DataError(dir, `${what} (${jsons.join(', ')}): pass the json file, or --split to pick one`);
}

function hasXml(dir: string, entries: readonly Dirent[]): boolean {
  if (entries.some((e) => e.isFile() && e.name.endsWith('.xml'))) return true;
  return entries.some((e) => e.isDirectory() && readdirSync(join(dir, e.name)).some((f) => f.endsWith('.xml')));
}
