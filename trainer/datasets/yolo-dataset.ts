import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { parse as parseYaml } from 'yaml';
import type { Box } from '../../models/boxes.js';
import { DataError } from '../../models/errors.js';
import { namesFromYaml, readLabels } from '../../models/labels.js';

/**
 * Reads one split of a YOLO dataset in the Ultralytics layout: a data yaml (`path`, `train`, `val`,
 * `test`, `names`) or a folder with `images/<split>`, `labels/<split>` and a names file. Bad label
 * lines and unreadable images are collected as problems (file and line) and skipped, so one bad
 * file never stops a run and none is dropped silently.
 */

export interface YoloBox {
  classId: number;
  /** Pixels in the image as stored (no EXIF rotation), [x1, y1, x2, y2]. */
  box: Box;
}

export interface YoloImage {
  file: string;
  width: number;
  height: number;
  boxes: YoloBox[];
}

export interface DataProblem {
  file: string;
  /** 1-based line in `file`, where the problem is one line of a text file. */
  line?: number;
  reason: string;
}

export interface YoloDataset {
  root: string;
  split: string;
  names: string[];
  /** Sorted by path, so runs are reproducible. */
  images: YoloImage[];
  problems: DataProblem[];
  /** Images without a label file: background images, kept with no boxes. */
  missingLabelFiles: number;
}

/** Ultralytics' image suffixes; a file sharp cannot decode among them is reported, not ignored. */
const IMAGE_EXTS = new Set(['.bmp', '.dng', '.jpeg', '.jpg', '.mpo', '.png', '.tif', '.tiff', '.webp', '.pfm', '.heic']);
const YAML_SPLITS = ['train', 'val', 'test'];
/** How far (fraction of the image) a box edge may pass the border before the line counts as wrong. */
const EDGE_TOLERANCE = 0.01;
/** Images whose headers are read at once: enough to hide file latency, few enough for open files. */
const CONCURRENCY = 16;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Where a split's images are listed: folders and/or .txt image lists, plus the class names. */
interface Layout {
  root: string;
  names: string[];
  sources: string[];
  /** The file or folder that defines the split, for errors about the split as a whole. */
  definedBy: string;
}

export async function loadYoloDataset(spec: string, split: string): Promise<YoloDataset> {
  const layout = resolveLayout(resolve(spec), split);
  const problems: DataProblem[] = [];
  const files = listImages(layout.sources, problems);
  if (files.length === 0) throw new DataError(layout.definedBy, `split '${split}' holds no images (looked in ${layout.sources.join(', ')})`);

  const results = await mapLimit(files, CONCURRENCY, (file) => readImage(file, layout.names));
  const images: YoloImage[] = [];
  let missingLabelFiles = 0;
  for (const r of results) {
    problems.push(...r.problems);
    if (r.missingLabels) missingLabelFiles++;
    if (r.image) images.push(r.image);
  }
  return { root: layout.root, split, names: layout.names, images, problems, missingLabelFiles };
}

/** Ultralytics' img2label_paths: the last `/images/` becomes `/labels/`, the suffix `.txt`. */
export function labelPathFor(imageFile: string): string {
  const a = `${sep}images${sep}`;
  const i = imageFile.lastIndexOf(a);
  const swapped = i < 0 ? imageFile : `${imageFile.slice(0, i)}${sep}labels${sep}${imageFile.slice(i + a.length)}`;
  const dot = swapped.lastIndexOf('.');
  return `${dot < 0 ? swapped : swapped.slice(0, dot)}.txt`;
}

function resolveLayout(spec: string, split: string): Layout {
  const st = statOrNull(spec);
  if (!st) throw new DataError(spec, 'no such file or folder');
  if (st.isFile()) return layoutFromYaml(spec, split);
  const yamls = readdirSync(spec).filter((f) => /\.ya?ml$/i.test(f)).sort();
  if (yamls.length === 1) return layoutFromYaml(join(spec, yamls[0]), split);
  if (yamls.length > 1) throw new DataError(spec, `holds ${yamls.length} yaml files (${yamls.join(', ')}): pass the data yaml to use`);
  return layoutFromFolder(spec, split);
}

function layoutFromYaml(file: string, split: string): Layout {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(file, `not a readable YAML file (${(e as Error).message})`, { cause: e });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new DataError(file, 'expected a mapping with path, train, val and names');
  const fields = doc as Record<string, unknown>;
  const names = namesFromYaml(file, doc);
  if (fields.nc !== undefined && fields.nc !== names.length) {
    throw new DataError(file, `field 'nc': ${String(fields.nc)} does not match the ${names.length} entries of 'names'`);
  }

  // `path` is relative to the yaml's own folder. Ultralytics tries the working directory and then
  // its settings' datasets_dir, which makes the same yaml mean different data on different machines.
  if (fields.path !== undefined && fields.path !== null && typeof fields.path !== 'string') throw new DataError(file, `field 'path': expected a folder path`);
  const root = resolve(dirname(file), (fields.path as string | null | undefined) ?? '.');

  if (!YAML_SPLITS.includes(split)) throw new DataError(file, `unknown split '${split}': use one of ${YAML_SPLITS.join(', ')}`);
  const value = fields[split];
  if (value === undefined || value === null) throw new DataError(file, `field '${split}': not set, so there is no ${split} split`);
  const entries = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(entries) || entries.length === 0 || !entries.every((v) => typeof v === 'string' && v !== '')) {
    throw new DataError(file, `field '${split}': expected a folder, a .txt image list, or a list of those`);
  }
  const sources = entries.map((v) => resolve(root, v));
  for (const s of sources) if (!statOrNull(s)) throw new DataError(file, `field '${split}': ${s} does not exist`);
  return { root, names, sources, definedBy: file };
}

function layoutFromFolder(dir: string, split: string): Layout {
  const imagesRoot = join(dir, 'images');
  if (!statOrNull(imagesRoot)?.isDirectory()) throw new DataError(dir, 'not a YOLO dataset: no data yaml and no images/ folder');
  const imagesDir = join(imagesRoot, split);
  if (!statOrNull(imagesDir)?.isDirectory()) {
    const have = readdirSync(imagesRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    throw new DataError(imagesDir, `no such split folder (splits here: ${have.join(', ') || 'none'})`);
  }
  const labelsDir = join(dir, 'labels', split);
  if (!statOrNull(labelsDir)?.isDirectory()) throw new DataError(labelsDir, `no such folder: the ${split} split needs its labels beside images/${split}`);

  // classes.txt is what labelImg and most YOLO exporters write; *.names is darknet's.
  const namesFiles = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.names') || f === 'classes.txt').sort();
  if (namesFiles.length !== 1) {
    throw new DataError(dir, namesFiles.length === 0
      ? 'no class names: add a data yaml, a *.names or a classes.txt file'
      : `${namesFiles.length} class name files (${namesFiles.join(', ')}): keep one`);
  }
  return { root: dir, names: readLabels(join(dir, namesFiles[0])), sources: [imagesDir], definedBy: imagesDir };
}

/** All image files under the sources, sorted and without repeats. */
function listImages(sources: string[], problems: DataProblem[]): string[] {
  const found = new Set<string>();
  for (const source of sources) {
    if (statOrNull(source)?.isDirectory()) {
      for (const f of walk(source)) if (IMAGE_EXTS.has(extname(f).toLowerCase())) found.add(f);
    } else if (extname(source).toLowerCase() === '.txt') {
      readImageList(source, problems).forEach((f) => found.add(f));
    } else {
      throw new DataError(source, 'a split must be a folder of images or a .txt list of image paths');
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Files under a folder, recursively, as Ultralytics globs them; links to files count. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return walk(path);
    return d.isFile() || d.isSymbolicLink() ? [path] : [];
  });
}

/**
 * A .txt split: one image path a line. Relative paths are taken from the list's own folder
 * (Ultralytics does so for `./` paths only, and takes others from the working directory).
 */
function readImageList(file: string, problems: DataProblem[]): string[] {
  const out: string[] = [];
  readFileSync(file, 'utf8').split(/\r?\n/).forEach((raw, i) => {
    const entry = raw.trim();
    if (entry === '') return;
    const path = resolve(dirname(file), entry);
    if (!IMAGE_EXTS.has(extname(path).toLowerCase())) problems.push({ file, line: i + 1, reason: `'${entry}' is not an image file name` });
    else if (!statOrNull(path)?.isFile()) problems.push({ file, line: i + 1, reason: `listed image ${path} does not exist` });
    else out.push(path);
  });
  return out;
}

interface ImageResult {
  image: YoloImage | null;
  problems: DataProblem[];
  missingLabels: boolean;
}

async function readImage(file: string, names: string[]): Promise<ImageResult> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(file).metadata());
  } catch (e) {
    return { image: null, problems: [{ file, reason: `unreadable image, skipped (${(e as Error).message})` }], missingLabels: false };
  }
  if (!width || !height) return { image: null, problems: [{ file, reason: 'image has no width or height, skipped' }], missingLabels: false };

  const labelFile = labelPathFor(file);
  let text: string;
  try {
    text = await readFile(labelFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { image: { file, width, height, boxes: [] }, problems: [], missingLabels: true };
    // Treating it as background would teach the model that its objects are not there.
    return { image: null, problems: [{ file: labelFile, reason: `unreadable label file, image skipped (${(e as Error).message})` }], missingLabels: false };
  }
  const { boxes, problems } = parseLabels(text, labelFile, names.length, width, height);
  return { image: { file, width, height, boxes }, problems, missingLabels: false };
}

/** `class cx cy w h` lines, normalised to the image; each bad line is reported and skipped. */
function parseLabels(text: string, file: string, numClasses: number, width: number, height: number): { boxes: YoloBox[]; problems: DataProblem[] } {
  const boxes: YoloBox[] = [];
  const problems: DataProblem[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const fields = raw.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) return;
    const reason = checkLine(fields, numClasses);
    if (reason) {
      problems.push({ file, line, reason });
      return;
    }
    const [c, cx, cy, w, h] = fields.map(Number);
    const key = [c, cx, cy, w, h].join(' ');
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ file, line, reason: `duplicate of line ${first}` });
      return;
    }
    seen.set(key, line);
    boxes.push({ classId: c, box: [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height] });
  });
  return { boxes, problems };
}

/** Why a label line is unusable, or null when it is a valid box. */
function checkLine(fields: string[], numClasses: number): string | null {
  if (fields.length !== 5) {
    return `${fields.length} fields, expected 5 (class cx cy w h)${fields.length > 6 ? '; segmentation polygons are not supported' : ''}`;
  }
  const bad = fields.find((f) => !NUMBER.test(f));
  if (bad !== undefined) return `'${bad}' is not a number`;
  const [c, cx, cy, w, h] = fields.map(Number);
  if (!Number.isInteger(c) || c < 0 || c >= numClasses) return `class ${fields[0]} is not a class index 0..${numClasses - 1}`;
  if (w <= 0 || h <= 0) return `width ${fields[3]} and height ${fields[4]} must be positive`;
  const edges = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
  if (edges.some((e) => e < -EDGE_TOLERANCE || e > 1 + EDGE_TOLERANCE)) {
    return `box reaches past the image (edges ${edges.map((e) => +e.toFixed(4)).join(', ')}); coordinates must be normalised to 0..1`;
  }
  return null;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** Maps with at most `limit` calls in flight, keeping the input order in the result. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
