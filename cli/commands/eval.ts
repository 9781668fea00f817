import type { Command } from 'commander';
import { Detector } from '../../device/detect/detector.js';
import { integer, number, openStore, precision } from '../options.js';

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('COCO-style mAP of a model on a YOLO-format dataset')
    .argument('<model>', 'model name in the store, or a model folder')
    .requiredOption('--data <dataset>', 'dataset folder or data yaml (Ultralytics layout)')
    .option('--split <split>', 'train, val or test', 'val')
    .option('--precision <p>', 'fp32 or int8 (default: the model manifest)', precision)
    .option('--threads <n>', 'inference threads', integer(1, 64))
    .option('--threshold <t>', 'minimum score kept (default 0.001, as COCO evaluation expects)', number(0, 1))
    .option('--iou <t>', 'NMS IoU threshold (default 0.65)', number(0, 1))
    .option('--all-classes', 'score every dataset class, those the model lacks at 0 AP (default: only the classes the model has)')
    .option('--plot <file.png>', 'write the precision-recall curves at IoU 0.5 as PNG')
    .option('--json', 'print one JSON object')
    .action(async (modelRef: string, o) => {
      const { EVAL_DEFAULTS, evaluateModel } = await import('../../trainer/eval/evaluate-model.js');
      const detector = await Detector.open(openStore(program.opts().modelsDir), modelRef, {
        precision: o.precision,
        threads: o.threads,
        scoreThreshold: o.threshold ?? EVAL_DEFAULTS.scoreThreshold,
        iouThreshold: o.iou ?? EVAL_DEFAULTS.iouThreshold,
        maxDetections: EVAL_DEFAULTS.maxDetections,
      });
      let result;
      try {
        result = await evaluateModel(detector, o.data, o.split, { allClasses: o.allClasses === true });
      } finally {
        await detector.close();
      }
      const title = `${detector.manifest.name} (${detector.precision}) on ${o.split}`;
      if (o.plot) {
        const { writePrCurvePng } = await import('../../trainer/eval/pr-curve-plot.js');
        await writePrCurvePng(o.plot, result, title);
      }
      const { pr, ...report } = result;
      if (o.json) {
        console.log(JSON.stringify({ model: detector.manifest.name, precision: detector.precision, ...report }));
        return;
      }
      const unscored = result.unscored.boxes ? ` (${result.unscored.boxes} boxes of ${result.unscored.classes.length} classes the model lacks not scored)` : '';
      console.log(`${title}: ${result.images} images, ${result.boxes} boxes${unscored}, ${result.images_per_s.toFixed(1)} images/s`);
      console.log(`mAP@0.5:0.95 ${(100 * result.map50_95).toFixed(1)}  mAP@0.5 ${(100 * result.map50).toFixed(1)}  mAP@0.75 ${(100 * result.map75).toFixed(1)}`);
      console.log('class                 AP50-95   AP50    gt');
      for (const c of [...result.per_class].sort((a, b) => b.gt - a.gt)) {
        console.log(`${c.label.padEnd(20)} ${(100 * c.ap50_95).toFixed(1).padStart(8)} ${(100 * c.ap50).toFixed(1).padStart(6)} ${String(c.gt).padStart(5)}`);
      }
      if (result.skipped.length) console.log(`${result.skipped.length} problems (see warnings above)`);
      if (o.plot) console.log(`PR curves: ${o.plot}`);
    });
}
