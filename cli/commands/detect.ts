import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { annotateJpeg } from '../../device/detect/annotate.js';
import { Detector } from '../../device/detect/detector.js';
import { expandInputs } from '../../device/detect/inputs.js';
import { detectionJson } from '../../device/detect/payload.js';
import { log } from '../../device/log.js';
import { integer, list, number, openStore, precision } from '../options.js';

export function registerDetectCommand(program: Command): void {
  program
    .command('detect')
    .description('detect objects in images, folders of images and videos')
    .argument('<model>', 'model name in the store, or a model folder')
    .argument('<inputs...>', 'images, folders of images, videos (ffmpeg)')
    .option('--threshold <t>', 'minimum score (default: the model manifest)', number(0, 1))
    .option('--iou <t>', 'NMS IoU threshold (default: the model manifest)', number(0, 1))
    .option('--labels <a,b>', 'report only these labels', list)
    .option('--precision <p>', 'fp32 or int8 (default: the model manifest)', precision)
    .option('--threads <n>', 'inference threads', integer(1, 64))
    .option('--fps <n>', 'sample videos at this rate (default: every frame)', number(0.01, 240))
    .option('--json', 'print one JSON line per image')
    .option('--annotate <dir>', 'write images with boxes, labels and scores drawn')
    .action(async (modelRef: string, inputs: string[], o) => {
      const detector = await Detector.open(openStore(program.opts().modelsDir), modelRef, {
        precision: o.precision,
        threads: o.threads,
        scoreThreshold: o.threshold,
        iouThreshold: o.iou,
        labels: o.labels,
      });
      if (o.annotate) mkdirSync(o.annotate, { recursive: true });
      let failed = 0;
      let done = 0;
      try {
        for await (const input of expandInputs(inputs, o.fps === undefined ? {} : { videoFps: o.fps })) {
          const name = input.frame === undefined ? input.source : `${input.source}#${input.frame}`;
          let result;
          try {
            result = await detector.detect(input.image);
          } catch (e) {
            failed++;
            log.error({ file: name }, (e as Error).message);
            continue;
          }
          done++;
          const { w, h } = result.image;
          const detections = result.detections.map((d) => detectionJson(d, w, h));
          if (o.json) {
            console.log(
              JSON.stringify({
                file: input.source,
                ...(input.frame === undefined ? {} : { frame: input.frame }),
                image: result.image,
                model: { name: detector.manifest.name, precision: detector.precision },
                timing_ms: Object.fromEntries(Object.entries(result.timing_ms).map(([k, v]) => [k, Math.round(v * 100) / 100])),
                detections,
              }),
            );
          } else {
            const summary = detections.map((d) => `${d.label} ${d.score.toFixed(2)} [${d.box.map((v) => Math.round(v)).join(',')}]`);
            console.log(`${name}: ${detections.length} objects (${result.timing_ms.infer.toFixed(1)} ms)${summary.length ? '\n  ' + summary.join('\n  ') : ''}`);
          }
          if (o.annotate) {
            const stem = basename(input.source, extname(input.source)) + (input.frame === undefined ? '' : `_${String(input.frame).padStart(6, '0')}`);
            writeFileSync(join(o.annotate, `${stem}.jpg`), await annotateJpeg(input.image, result.detections));
          }
        }
      } finally {
        await detector.close();
      }
      if (failed) {
        log.error(`${failed} of ${failed + done} images could not be processed`);
        process.exitCode = 1;
      }
    });
}
