import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { log } from '../../device/log.js';
import { ArgusError } from '../../models/errors.js';
import { MANIFEST_FILE } from '../../models/manifest.js';
import { ACTIVATION_TYPES, CALIBRATION_METHODS, QUANTIZE_DEFAULTS } from '../../models/quantization.js';
import type { ModelStore, StoredModel } from '../../models/store.js';
import { integer, list, number, openStore } from '../options.js';

function oneOf<T extends string>(valid: readonly T[]) {
  return (value: string): T => {
    if (!(valid as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${valid.join(', ')}, got '${value}'`);
    return value as T;
  };
}

/** The model to quantize; a bare ONNX file or a folder without model.json is told how to add it. */
function openModel(store: ModelStore, ref: string): StoredModel {
  if (!existsSync(join(store.dir, ref, MANIFEST_FILE)) && existsSync(ref)) {
    const manifest = statSync(ref).isDirectory() ? join(ref, MANIFEST_FILE) : ref;
    if (basename(manifest) !== MANIFEST_FILE || !existsSync(manifest)) {
      throw new ArgusError(
        `${ref} has no ${MANIFEST_FILE}: quantizing needs the model's family, labels and preprocessing. ` +
          'Add it to the store first (`argus model add <file.onnx> --family <family> --labels <names>`), then quantize it by name',
      );
    }
  }
  return store.open(ref);
}

export function registerQuantizeCommand(program: Command): void {
  program
    .command('quantize')
    .description('int8 post-training quantization: writes model.int8.onnx beside model.onnx and records it in model.json')
    .argument('<model>', 'model name in the store, or a model folder')
    .requiredOption('--calib <images>', 'calibration images: a folder of images, or a dataset (data yaml or folder) whose train split is used')
    .option('--images <n>', `calibration images at most, spread evenly (default ${QUANTIZE_DEFAULTS.images})`, integer(1, 100_000))
    .option('--method <m>', `calibration: ${CALIBRATION_METHODS.join(', ')} (default ${QUANTIZE_DEFAULTS.method})`, oneOf(CALIBRATION_METHODS))
    .option('--percentile <p>', `percentage of values kept by --method percentile (default ${QUANTIZE_DEFAULTS.percentile})`, number(50, 100))
    .option('--exclude <patterns>', 'node names (or names of their outputs) kept float, comma-separated, * matches anything', list)
    .option('--activations <type>', `uint8 (U8S8, what x86 kernels take) or int8 (S8S8, native on Arm) (default ${QUANTIZE_DEFAULTS.activations})`, oneOf(ACTIVATION_TYPES))
    .option('--ops <types>', 'op types allowed in int8, comma-separated (default: the set measured fastest, see README)', list)
    .option('--eval <dataset>', 'score fp32 and int8 on this dataset (its val split) in the report')
    .option('--json', 'print one JSON object')
    .action(async (modelRef: string, o) => {
      const { compareModels, formatQuantization, formatReport, quantizeModel, recordReport } = await import('../../trainer/quantize/index.js');
      const store = openStore(program.opts().modelsDir);
      const model = openModel(store, modelRef);
      const q = await quantizeModel(model, {
        calib: o.calib,
        images: o.images,
        method: o.method,
        percentile: o.percentile,
        exclude: o.exclude,
        activations: o.activations,
        ops: o.ops,
      });
      if (!o.json) console.log(formatQuantization(q));
      const quantized = store.open(model.dir);
      const report = await compareModels(quantized, { evalDataset: o.eval, latencyImage: q.images.files[0]! });
      recordReport(quantized, report);
      const { ratio_1t, ratio_2t } = report.latency_ms;
      if (ratio_1t > 1 && ratio_2t > 1) {
        // The device runs int8 whenever the model has it, so a slower int8 file must not pass unnoticed.
        log.warn(
          `int8 runs ${ratio_1t.toFixed(2)}x (1 thread) and ${ratio_2t.toFixed(2)}x (2 threads) the fp32 time on this CPU: ` +
            `run this model with --precision fp32 here (see README "Quantize" for why SiLU models can be slower in int8)`,
        );
      }
      if (o.json) {
        console.log(JSON.stringify({ ...report, quantization: q.manifest.quantization, calibration: q.manifest.calibration }));
      } else {
        console.log(`\n${formatReport(report)}`);
      }
    });
}
