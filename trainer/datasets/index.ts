/** Datasets: YOLO, COCO json and Pascal VOC xml, loaded into one form, and their check. */
export { DATASET_FORMATS } from './dataset.js';
export type { DataProblem, Dataset, DatasetFormat, LabelledBox, LabelledImage } from './dataset.js';
export { DEFAULT_YOLO_SPLIT, detectFormat, loadDataset } from './load-dataset.js';
export type { LoadOptions } from './load-dataset.js';
export { loadYoloDataset, labelPathFor } from './yolo-dataset.js';
export { loadCocoDataset } from './coco-dataset.js';
export type { CocoOptions } from './coco-dataset.js';
export { ALL_SPLIT, loadVocDataset } from './voc-dataset.js';
export type { VocOptions } from './voc-dataset.js';
export { checkDataset, duplicateFiles } from './check-dataset.js';
export type { CheckReport, ClassCount, OutOfRangeBox } from './check-dataset.js';
export { checkReportText, problemText } from './check-text.js';
export { EDGE_TOLERANCE } from './box-check.js';
