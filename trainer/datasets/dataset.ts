import type { DataProblem, YoloBox, YoloImage } from './yolo-dataset.js';

/**
 * The in-memory form every dataset format loads into. The YOLO loader came first and its image
 * and box shapes are the common ones, so the other loaders produce exactly what it produces.
 */

export type { DataProblem };
/** One labelled object: a class index into `names` and a box in image pixels. */
export type LabelledBox = YoloBox;
/** One image file with its size (as stored, no EXIF rotation) and its boxes. */
export type LabelledImage = YoloImage;

export const DATASET_FORMATS = ['yolo', 'coco', 'voc'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface Dataset {
  format: DatasetFormat;
  /** The folder or file the dataset was loaded from. */
  root: string;
  split: string;
  names: string[];
  /** Sorted by path, so runs are reproducible. */
  images: LabelledImage[];
  /** Bad lines, annotations and files: each was skipped and is reported here. */
  problems: DataProblem[];
  /** Images with no label file or annotation at all: kept as background images. */
  unlabelled: number;
  /** Boxes left out on purpose, by why (COCO `iscrowd`, VOC `difficult`). */
  ignored: Record<string, number>;
}
