import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Box } from '../../models/boxes.js';
import { DataError } from '../../models/errors.js';
import { readLabels } from '../../models/labels.js';
import { boxProblem } from './box-check.js';
import type { DataProblem, Dataset, LabelledImage } from './dataset.js';
import { byPath, CONCURRENCY, isImageFile, mapLimit, readImageSize, statOrNull, walkFiles } from './files.js';
import { childOf, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

/**
 * Reads Pascal VOC xml annotations, one file per image, in either layout:
 * - Pascal VOC: `Annotations/<id>.xml`, `JPEGImages/<id>.jpg`, splits in `ImageSets/Main/<split>.txt`;
 * - labelImg: each xml beside its image, in the folder or in a `<split>/` subfolder of it.
 * Coordinates are taken as pixel edges, as labelImg writes and reads them (the original VOC
 * devkit counts from 1; the difference is one pixel). `difficult` objects are left out and
 * counted, as VOC evaluation ignores them.
 */

export interface VocOptions {
  /** Split: an ImageSets/Main list or a subfolder; default every image. */
  split?: string;
  /**
   * Class names file, one a line. Default: a `classes.txt` or `*.names` file in the dataset
   * folder, else every object name found, sorted.
   */
  names?: string;
}

/** The split everything belongs to when none is named. */
export const ALL_SPLIT = 'all';

interface Pair {
  image: string;
  xml: string | null;
}

interface RawObject {
  name: string;
  box: Box;
  line: number;
}

type Parsed = { image: string; width: number; height: number; objects: RawObject[]; xml: string | null } | { skipped: true };

export async function loadVocDataset(dir: string, opts: VocOptions = {}): Promise<Dataset> {
  const root = resolve(dir);
  const problems: DataProblem[] = [];
  const pairs = statOrNull(join(root, 'Annotations'))?.isDirectory() ? vocPairs(root, opts.split, problems) : besidePairs(root, opts.split, problems);
  if (pairs.length === 0) throw new DataError(root, `no images found${opts.split ? ` for split '${opts.split}'` : ''}`);

  const ignored: Record<string, number> = {};
  const parsed = await mapLimit(pairs, CONCURRENCY, (p) => readPair(p, problems, ignored));
  const namesFile = opts.names ? resolve(opts.names) : findNamesFile(root);
  const names = namesFile ? readLabels(namesFile) : collectNames(root, parsed);
  const classOf = new Map(names.map((n, i) => [n, i]));

  const images: LabelledImage[] = [];
  let unlabelled = 0;
  for (const p of parsed) {
    if ('skipped' in p) continue;
    if (p.xml === null) unlabelled++;
    const boxes: LabelledImage['boxes'] = [];
    for (const o of p.objects) {
      const classId = classOf.get(o.name);
      if (classId === undefined) problems.push({ file: p.xml!, line: o.line, reason: `class '${o.name}' is not in ${namesFile}` });
      else boxes.push({ classId, box: o.box });
    }
    images.push({ file: p.image, width: p.width, height: p.height, boxes });
  }
  images.sort((a, b) => byPath(a.file, b.file));
  // Files are read concurrently; sorting keeps the report in the same order on every run.
  problems.sort((a, b) => byPath(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  return { format: 'voc', root, split: opts.split ?? ALL_SPLIT, names, images, problems, unlabelled, ignored };
}

/** Pascal VOC layout: ids from the split list, or every annotation and image when no split. */
function vocPairs(root: string, split: string | undefined, problems: DataProblem[]): Pair[] {
  const imagesDir = join(root, 'JPEGImages');
  if (!statOrNull(imagesDir)?.isDirectory()) throw new DataError(imagesDir, 'no such folder: a VOC dataset keeps its images beside Annotations/');
  const imageOf = new Map(walkFiles(imagesDir).filter(isImageFile).map((f) => [stem(f), f]));
  const annotationsDir = join(root, 'Annotations');
  if (split === undefined) {
    const xmls = new Map(readdirSync(annotationsDir).filter((f) => f.endsWith('.xml')).map((f) => [stem(f), join(annotationsDir, f)]));
    for (const [id, xml] of xmls) if (!imageOf.has(id)) problems.push({ file: xml, reason: `no image '${id}.*' in ${imagesDir}` });
    return [...imageOf].sort(([a], [b]) => byPath(a, b)).map(([id, image]) => ({ image, xml: xmls.get(id) ?? null }));
  }
  const list = join(root, 'ImageSets', 'Main', `${split}.txt`);
  if (!statOrNull(list)?.isFile()) {
    const dir = dirname(list);
    const have = statOrNull(dir)?.isDirectory() ? readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => stem(f)).sort() : [];
    throw new DataError(list, `no such split list (splits here: ${have.join(', ') || 'none'})`);
  }
  const pairs: Pair[] = [];
  readFileSync(list, 'utf8').split(/\r?\n/).forEach((raw, i) => {
    const id = raw.trim().split(/\s+/)[0];
    if (!id) return;
    const image = imageOf.get(id);
    if (!image) {
      problems.push({ file: list, line: i + 1, reason: `no image '${id}.*' in ${imagesDir}` });
      return;
    }
    const xml = join(annotationsDir, `${id}.xml`);
    pairs.push({ image, xml: statOrNull(xml)?.isFile() ? xml : null });
  });
  return pairs;
}

/** labelImg layout: each image's xml is beside it with the same name. */
function besidePairs(root: string, split: string | undefined, problems: DataProblem[]): Pair[] {
  let dir = root;
  if (split !== undefined) {
    dir = join(root, split);
    if (!statOrNull(dir)?.isDirectory()) {
      const have = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
      throw new DataError(dir, `no such split folder (folders here: ${have.join(', ') || 'none'})`);
    }
  }
  const files = walkFiles(dir);
  const images = new Map(files.filter(isImageFile).map((f) => [withoutExt(f), f]));
  const xmls = new Set(files.filter((f) => f.endsWith('.xml')).map(withoutExt));
  for (const x of xmls) if (!images.has(x)) problems.push({ file: `${x}.xml`, reason: `no image '${basename(x)}.*' beside this annotation` });
  return [...images.values()].map((image) => {
    const key = withoutExt(image);
    return { image, xml: xmls.has(key) ? `${key}.xml` : null };
  });
}

async function readPair(pair: Pair, problems: DataProblem[], ignored: Record<string, number>): Promise<Parsed> {
  const size = await readImageSize(pair.image);
  if ('error' in size) {
    problems.push({ file: pair.image, reason: `${size.error}, skipped` });
    return { skipped: true };
  }
  if (pair.xml === null) return { image: pair.image, ...size, objects: [], xml: null };
  let doc: XmlElement;
  try {
    doc = parseXml(readFileSync(pair.xml, 'utf8'));
  } catch (e) {
    // Treating it as background would teach the model that its objects are not there.
    const line = e instanceof XmlSyntaxError ? e.line : undefined;
    const detail = e instanceof XmlSyntaxError ? e.message.replace(/^line \d+: /, '') : (e as Error).message;
    problems.push({ file: pair.xml, line, reason: `unreadable annotation, image skipped (${detail})` });
    return { skipped: true };
  }
  if (doc.name !== 'annotation') {
    problems.push({ file: pair.xml, line: doc.line, reason: `root element is <${doc.name}>, expected <annotation>; image skipped` });
    return { skipped: true };
  }
  const sizeProblem = checkSize(doc, size);
  if (sizeProblem) {
    problems.push({ file: pair.xml, ...sizeProblem });
    return { skipped: true };
  }
  const objects: RawObject[] = [];
  for (const obj of doc.children.filter((c) => c.name === 'object')) {
    const read = readObject(obj, size.width, size.height);
    if ('reason' in read) problems.push({ file: pair.xml, line: read.line, reason: read.reason });
    else if (read.difficult) ignored.difficult = (ignored.difficult ?? 0) + 1;
    else objects.push(read);
  }
  return { image: pair.image, ...size, objects, xml: pair.xml };
}

/** A `<size>` that disagrees with the image means the boxes belong to another image. */
function checkSize(doc: XmlElement, actual: { width: number; height: number }): { line: number; reason: string } | null {
  const size = childOf(doc, 'size');
  if (!size) return null;
  const w = Number(childOf(size, 'width')?.text.trim());
  const h = Number(childOf(size, 'height')?.text.trim());
  // labelImg writes 0 when it could not read the size; only a real disagreement counts.
  if (!(w > 0 && h > 0) || (w === actual.width && h === actual.height)) return null;
  return { line: size.line, reason: `<size> says ${w}x${h} but the image is ${actual.width}x${actual.height}; image skipped` };
}

function readObject(obj: XmlElement, width: number, height: number): (RawObject & { difficult: boolean }) | { line: number; reason: string } {
  const nameEl = childOf(obj, 'name');
  const name = nameEl?.text.trim() ?? '';
  if (name === '') return { line: (nameEl ?? obj).line, reason: '<object> has no <name>' };
  const bndbox = childOf(obj, 'bndbox');
  if (!bndbox) return { line: obj.line, reason: `object '${name}' has no <bndbox>` };
  const coords: number[] = [];
  for (const key of ['xmin', 'ymin', 'xmax', 'ymax']) {
    const el = childOf(bndbox, key);
    if (!el) return { line: bndbox.line, reason: `<bndbox> of '${name}' has no <${key}>` };
    const v = el.text.trim();
    if (v === '' || !Number.isFinite(Number(v))) return { line: el.line, reason: `<${key}> '${v}' is not a number` };
    coords.push(Number(v));
  }
  const box = coords as Box;
  const why = boxProblem(box, width, height);
  if (why) return { line: bndbox.line, reason: why };
  const difficult = childOf(obj, 'difficult')?.text.trim() === '1';
  return { name, box, line: obj.line, difficult };
}

function findNamesFile(root: string): string | null {
  const found = readdirSync(root).filter((f) => f === 'classes.txt' || f.toLowerCase().endsWith('.names')).sort();
  if (found.length > 1) throw new DataError(root, `${found.length} class name files (${found.join(', ')}): keep one, or name it (--names)`);
  return found.length === 1 ? join(root, found[0]!) : null;
}

/** Without a names file the classes are the names used, sorted so every run numbers them alike. */
function collectNames(root: string, parsed: readonly Parsed[]): string[] {
  const names = new Set<string>();
  for (const p of parsed) if (!('skipped' in p)) for (const o of p.objects) names.add(o.name);
  if (names.size === 0) throw new DataError(root, 'no object names in any annotation and no classes.txt: nothing to learn');
  return [...names].sort(byPath);
}

function stem(file: string): string {
  return basename(file, extname(file));
}

function withoutExt(file: string): string {
  return file.slice(0, file.length - extname(file).length);
}
