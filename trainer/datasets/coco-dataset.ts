import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Box } from '../../models/boxes.js';
import { DataError } from '../../models/errors.js';
import { boxProblem } from './box-check.js';
import type { DataProblem, Dataset, LabelledImage } from './dataset.js';
import { byPath, CONCURRENCY, mapLimit, readImageSize, statOrNull } from './files.js';

/**
 * Reads a COCO detection json (`images`, `annotations` with `bbox` [x, y, w, h] in pixels,
 * `categories`). Category ids, which COCO leaves sparse (1..90 for its 80 classes), become class
 * indices 0..n-1 in id order, so class 0 is the lowest id. Crowd boxes (`iscrowd: 1`) mark a
 * group of objects, not one, and are left out and counted. JSON has no useful line numbers, so
 * problems name the entry (`annotations[12] (id 1774)`).
 */

export interface CocoOptions {
  /**
   * Folder the `file_name` entries are relative to. Default: the first of the json's own folder,
   * `../images/<split>` and `../<split>` from it that holds the first listed image.
   */
  images?: string;
  /** Split name; default from the file name (`instances_train2017.json` is `train2017`). */
  split?: string;
}

interface CocoImage {
  id: number;
  file: string;
  width: number;
  height: number;
}

interface Category {
  id: number;
  name: string;
}

export async function loadCocoDataset(jsonFile: string, opts: CocoOptions = {}): Promise<Dataset> {
  const file = resolve(jsonFile);
  const doc = readJson(file);
  const split = opts.split ?? splitFromName(file);
  const problems: DataProblem[] = [];
  const categories = readCategories(file, doc.categories);
  const classOf = new Map(categories.map((c, i) => [c.id, i]));
  const entries = readImages(file, doc.images, problems);
  if (entries.length === 0) throw new DataError(file, "field 'images': no usable image entries");

  const folder = opts.images ? resolve(opts.images) : findImageFolder(file, split, entries[0]!.file);
  const byId = new Map(entries.map((e) => [e.id, { entry: e, boxes: [] as LabelledImage['boxes'], annotated: false }]));
  const ignored: Record<string, number> = {};
  const seen = new Map<string, number>();
  listOf(file, doc.annotations, 'annotations').forEach((a, i) => {
    const where = `annotations[${i}]${isRecord(a) && a.id !== undefined ? ` (id ${String(a.id)})` : ''}`;
    const bad = (reason: string) => problems.push({ file, reason: `${where}: ${reason}` });
    if (!isRecord(a)) return bad('not an object');
    const image = byId.get(a.image_id as number);
    if (!image) return bad(`image_id ${String(a.image_id)} is not in 'images'`);
    image.annotated = true;
    if (a.iscrowd === 1) {
      ignored.iscrowd = (ignored.iscrowd ?? 0) + 1;
      return;
    }
    const classId = classOf.get(a.category_id as number);
    if (classId === undefined) return bad(`category_id ${String(a.category_id)} is not in 'categories'`);
    const bbox = a.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return bad(`bbox ${JSON.stringify(bbox)} is not four numbers [x, y, w, h]`);
    }
    const [x, y, w, h] = bbox as number[];
    const box: Box = [x!, y!, x! + w!, y! + h!];
    const why = boxProblem(box, image.entry.width, image.entry.height);
    if (why) return bad(why);
    const key = `${image.entry.id} ${classId} ${bbox.join(' ')}`;
    const first = seen.get(key);
    if (first !== undefined) return bad(`duplicate of annotations[${first}]`);
    seen.set(key, i);
    image.boxes.push({ classId, box });
  });

  const checked = await mapLimit([...byId.values()], CONCURRENCY, async ({ entry, boxes, annotated }) => {
    const path = resolve(folder, entry.file);
    const size = await readImageSize(path);
    if ('error' in size) return { problem: { file: path, reason: `${size.error}, skipped` } };
    if (size.width !== entry.width || size.height !== entry.height) {
      // The boxes were drawn on an image of the json's size; on this one they would be misplaced.
      const reason = `image is ${size.width}x${size.height} but ${basename(file)} says ${entry.width}x${entry.height}, skipped`;
      return { problem: { file: path, reason } };
    }
    return { image: { file: path, width: entry.width, height: entry.height, boxes }, annotated };
  });
  const images: LabelledImage[] = [];
  let unlabelled = 0;
  for (const c of checked) {
    if (c.problem) problems.push(c.problem);
    if (!c.image) continue;
    images.push(c.image);
    if (!c.annotated) unlabelled++;
  }
  images.sort((a, b) => byPath(a.file, b.file));
  return { format: 'coco', root: file, split, names: categories.map((c) => c.name), images, problems, unlabelled, ignored };
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, `cannot read (${(e as Error).message})`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DataError(file, `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!isRecord(doc)) throw new DataError(file, 'expected an object with images, annotations and categories');
  return doc;
}

/** `instances_val2017.json` -> `val2017`; any other name is its own split name. */
function splitFromName(file: string): string {
  const stem = basename(file, extname(file));
  return stem.replace(/^instances_/, '');
}

function listOf(file: string, value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new DataError(file, `field '${field}': expected a list`);
  return value;
}

/** Categories are the class list, so a bad one is fatal rather than skipped. */
function readCategories(file: string, value: unknown): Category[] {
  const list = listOf(file, value, 'categories');
  if (list.length === 0) throw new DataError(file, "field 'categories': no categories, so no class names");
  const out = list.map((c, i) => {
    if (!isRecord(c) || !Number.isInteger(c.id) || typeof c.name !== 'string' || c.name.trim() === '') {
      throw new DataError(file, `field 'categories[${i}]': expected {id: integer, name: text}, got ${JSON.stringify(c)}`);
    }
    return { id: c.id as number, name: c.name.trim() };
  });
  out.sort((a, b) => a.id - b.id);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.id === out[i - 1]!.id) throw new DataError(file, `field 'categories': id ${out[i]!.id} appears twice`);
  }
  const names = new Set<string>();
  for (const c of out) {
    if (names.has(c.name)) throw new DataError(file, `field 'categories': name '${c.name}' appears twice`);
    names.add(c.name);
  }
  return out;
}

function readImages(file: string, value: unknown, problems: DataProblem[]): CocoImage[] {
  const out: CocoImage[] = [];
  const ids = new Map<number, number>();
  listOf(file, value, 'images').forEach((m, i) => {
    const bad = (reason: string) => problems.push({ file, reason: `images[${i}]: ${reason}` });
    if (!isRecord(m) || !Number.isInteger(m.id) || typeof m.file_name !== 'string' || m.file_name === '') {
      return bad('expected {id: integer, file_name: text, width, height}, skipped');
    }
    if (!(Number.isInteger(m.width) && Number.isInteger(m.height) && (m.width as number) > 0 && (m.height as number) > 0)) {
      return bad(`width ${String(m.width)} and height ${String(m.height)} must be positive integers, skipped`);
    }
    const id = m.id as number;
    const first = ids.get(id);
    if (first !== undefined) return bad(`id ${id} is also images[${first}]'s, skipped`);
    ids.set(id, i);
    out.push({ id, file: m.file_name, width: m.width as number, height: m.height as number });
  });
  return out;
}

/** COCO keeps images beside `annotations/`, in `images/<split>` or `<split>`, so try those. */
function findImageFolder(file: string, split: string, firstImage: string): string {
  const dir = dirname(file);
  const candidates = [dir, join(dir, '..', 'images', split), join(dir, '..', split)].map((d) => resolve(d));
  const found = candidates.find((d) => statOrNull(join(d, firstImage))?.isFile());
  if (found) return found;
  throw new DataError(file, `cannot find the images: none of ${candidates.join(', ')} holds '${firstImage}'; name the image folder (--images)`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
