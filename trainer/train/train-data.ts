/**
 * The training and validation images in the model's class space: the dataset's classes, or the
 * subset the user asked for (boxes of other classes dropped, their images kept as background so
 * the model still learns what is not one of its classes).
 */
import { loadDataset, problemText, type DataProblem, type Dataset, type LabelledImage, type LoadOptions } from '../datasets/index.js';
import { TrainError } from './errors.js';

export interface SplitData {
  /** Where the split was read from, for reports. */
  source: string;
  split: string;
  images: LabelledImage[];
  /** Skipped lines, annotations and files, each reported. */
  problems: DataProblem[];
  boxes: number;
  /** Boxes of classes outside the class list, left out. */
  dropped: number;
}

/** The class list: `wanted` checked against the dataset's names, or all of them. */
export function resolveClasses(ds: Dataset, wanted: readonly string[] | undefined): string[] {
  if (!wanted?.length) return [...ds.names];
  const unknown = wanted.filter((c) => !ds.names.includes(c));
  if (unknown.length) throw new TrainError(`${ds.root}: no class ${unknown.map((c) => `'${c}'`).join(', ')} in the dataset. Should be among: ${ds.names.join(', ')}`);
  return [...wanted];
}

export async function loadSplit(spec: string, opts: LoadOptions, classes: readonly string[] | undefined): Promise<{ data: SplitData; classes: string[] }> {
  const ds = await loadDataset(spec, opts);
  const names = resolveClasses(ds, classes);
  const toModel = ds.names.map((n) => names.indexOf(n));
  let dropped = 0;
  const images = ds.images.map((img) => {
    const boxes = img.boxes.flatMap((b) => {
      const id = toModel[b.classId]!;
      if (id < 0) {
        dropped++;
        return [];
      }
      return [{ classId: id, box: b.box }];
    });
    return { ...img, boxes };
  });
  if (images.length === 0) throw new TrainError(`${ds.root}: split '${ds.split}' has no usable images`);
  const boxes = images.reduce((s, i) => s + i.boxes.length, 0);
  return { data: { source: ds.root, split: ds.split, images, problems: ds.problems, boxes, dropped }, classes: names };
}

/** One line per skipped problem, as `argus data check` prints them. */
export function problemLines(data: SplitData): string[] {
  return data.problems.map((p) => `${data.split}: skipped ${problemText(p)}`);
}
