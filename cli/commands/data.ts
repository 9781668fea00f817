import { InvalidArgumentError, type Command } from 'commander';
import { DataError } from '../../models/errors.js';
import { LETTERBOX_MODES, type LetterboxMode } from '../../models/letterbox.js';
import { integer, number } from '../options.js';

/** `argus data check` and `argus data preview`: look at a dataset before training on it. */
export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('check and preview datasets (YOLO, COCO json, Pascal VOC xml)');
  const datasetOptions = (cmd: Command) =>
    cmd
      .argument('<dataset>', 'data yaml or YOLO folder, COCO .json, or Pascal VOC / labelImg folder')
      .option('--images <dir>', "COCO: folder the json's file names are relative to")
      .option('--names <file>', 'VOC: class names file, one a line')
      .option('--split <split>', 'YOLO: train (default), val, test or a folder; VOC: list or subfolder (default all)');

  datasetOptions(data.command('check'))
    .description('count images and boxes per class; list bad labels, boxes past the edge, duplicate images')
    .option('--json', 'print one JSON object')
    .action(async (dataset: string, o) => {
      const { checkDataset, checkReportText, loadDataset } = await import('../../trainer/datasets/index.js');
      const report = await checkDataset(await loadDataset(dataset, { split: o.split, images: o.images, names: o.names }));
      console.log(o.json ? JSON.stringify(report) : checkReportText(report));
      // Problems are reported and skipped; only a dataset with nothing to train on is a failure.
      if (!report.usable) process.exitCode = 1;
    });

  datasetOptions(data.command('preview'))
    .description('write a PNG grid of augmented training samples with their boxes')
    .option('--size <n>', 'model input size, pixels', integer(32, 2048), 416)
    .option('--count <n>', 'samples in the grid', integer(1, 256), 16)
    .option('--out <file.png>', 'PNG to write', 'preview.png')
    .option('--seed <n>', 'random seed: the same seed gives the same grid', integer(0, 2 ** 31 - 1), 1)
    .option('--mosaic <p>', 'chance of a 4-image mosaic', number(0, 1), 1)
    .option('--letterbox <mode>', `how frames fit the input: ${LETTERBOX_MODES.join(', ')} (default center)`, letterboxMode, 'center')
    .option('--pad <v>', 'padding pixel value (default 114)', integer(0, 255), 114)
    .action(async (dataset: string, o) => {
      const { loadDataset, problemText } = await import('../../trainer/datasets/index.js');
      const { augmentSample, createRandom, DEFAULT_AUGMENT, writePreviewPng } = await import('../../trainer/augment/index.js');
      const ds = await loadDataset(dataset, { split: o.split, images: o.images, names: o.names });
      for (const p of ds.problems) console.error(`skipped: ${problemText(p)}`);
      if (ds.images.length === 0) throw new DataError(ds.root, `no usable images in split ${ds.split}`);
      const opts = { ...DEFAULT_AUGMENT, width: o.size, height: o.size, mosaic: o.mosaic, letterbox: o.letterbox, pad: o.pad };
      const samples = [];
      for (let i = 0; i < o.count; i++) {
        const rnd = createRandom(o.seed, i);
        samples.push(await augmentSample(ds.images, rnd.int(ds.images.length), opts, rnd));
      }
      await writePreviewPng(o.out, samples, ds.names);
      const boxes = samples.reduce((s, x) => s + x.boxes.length, 0);
      console.log(`${o.out}: ${samples.length} samples of ${ds.root} (${ds.format}, split ${ds.split}), ${boxes} boxes, ${o.size}x${o.size}, seed ${o.seed}`);
    });
}

function letterboxMode(value: string): LetterboxMode {
  if (!(LETTERBOX_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${LETTERBOX_MODES.join(', ')}, got '${value}'`);
  return value as LetterboxMode;
}
