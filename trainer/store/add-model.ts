import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { OnnxSession } from '../../device/inference/onnx-session.js';
import { ArgusError, ModelFileError } from '../../models/errors.js';
import { readLabels } from '../../models/labels.js';
import { MANIFEST_FILE, writeManifest, type Manifest } from '../../models/manifest.js';
import type { PreprocessSpec } from '../../models/preprocess-spec.js';
import { getFamily } from '../../models/registry.js';
import { sha256File, type ModelStore } from '../../models/store.js';

export interface AddModelOptions {
  family: string;
  /** Class names: a labels file, or the list itself. */
  labelsFile?: string;
  labels?: readonly string[];
  name?: string;
  /** Overrides of the family's default preprocessing. */
  preprocess?: Partial<PreprocessSpec>;
  /** Overrides of the family's default head parameters. */
  head?: Record<string, unknown>;
  description?: string;
  /** Replace a model of the same name. */
  force?: boolean;
  /** Provenance kept in the manifest's `source`. */
  source?: Record<string, unknown>;
}

/** A store name from a file name: letters, digits, dot, dash, underscore. */
export function nameFromFile(file: string): string {
  return basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'model';
}

/**
 * Copies an fp32 ONNX detector into the store and writes its model.json: the family's
 * preprocessing and head defaults with the caller's overrides, the labels, the input taken from
 * the ONNX file itself, and the file's sha256. Refuses files whose outputs do not fit the family.
 */
export async function addModel(store: ModelStore, onnxFile: string, opts: AddModelOptions): Promise<Manifest> {
  if (!existsSync(onnxFile) || !statSync(onnxFile).isFile()) throw new ModelFileError(onnxFile, 'no such file');
  const family = getFamily(opts.family);
  if (!opts.labels && !opts.labelsFile) throw new ArgusError('addModel: give labels or a labels file');
  const labels = opts.labels ? [...opts.labels] : readLabels(opts.labelsFile!);
  const labelsFrom = opts.labelsFile ?? `${labels.length} given labels`;
  const name = opts.name ?? nameFromFile(onnxFile);
  const parsedHead = family.headSchema.safeParse({ ...(family.defaultHead() as object), ...opts.head });
  if (!parsedHead.success) {
    const issue = parsedHead.error.issues[0]!;
    throw new ArgusError(`head parameter '${issue.path.join('.')}' for family '${family.name}': ${issue.message}`);
  }
  const head = parsedHead.data;

  const session = await OnnxSession.create(onnxFile);
  let input;
  try {
    input = session.inputs.find((i) => i.shape.length === 4);
    if (!input) throw new ModelFileError(onnxFile, `has no 4-D image input (inputs: ${session.inputs.map((i) => `${i.name} [${i.shape.join('x')}]`).join(', ')})`);
    const [, channels, height, width] = input.shape;
    if (channels !== 3 || typeof height !== 'number' || typeof width !== 'number') {
      throw new ModelFileError(onnxFile, `input '${input.name}' is [${input.shape.join('x')}]; argus needs a fixed NCHW 1x3xHxW input`);
    }
    try {
      family.checkOutputs(session.outputs, { inputWidth: width, inputHeight: height, numClasses: labels.length, head });
    } catch (e) {
      throw new ModelFileError(onnxFile, `does not look like a '${family.name}' model with ${labels.length} labels from ${labelsFrom}: ${(e as Error).message}`);
    }
  } finally {
    await session.close();
  }

  const dir = store.modelDir(name);
  if (existsSync(join(dir, MANIFEST_FILE)) && !opts.force) {
    throw new ArgusError(`model '${name}' already exists in ${store.dir} (use --force to replace it, or --name to pick another name)`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'model.onnx');
  copyFileSync(onnxFile, target);
  const [, , height, width] = input.shape as number[];
  return writeManifest(join(dir, MANIFEST_FILE), {
    schemaVersion: 1,
    name,
    family: family.name,
    ...(opts.description ? { description: opts.description } : {}),
    labels,
    input: { name: input.name, width: width!, height: height!, layout: 'NCHW' },
    preprocess: { ...family.defaultPreprocess(), ...opts.preprocess },
    head: head as Record<string, unknown>,
    files: { fp32: { file: 'model.onnx', sha256: await sha256File(target), bytes: statSync(target).size } },
    precision: 'fp32',
    source: { file: onnxFile, labels: labelsFrom, ...opts.source },
    created: new Date().toISOString(),
  });
}
