/**
 * Writing trained weights as a store model (model.onnx beside a model.json), so `argus eval`,
 * `detect`, `quantize` and the device take it like any other model.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, writeManifest, type Manifest, type ManifestInput } from '../../models/manifest.js';
import { sha256File, type StoredModel } from '../../models/store.js';
import { writeModel, type ModelProto } from '../onnx/index.js';
import type { TrainableModel } from './prepare-model.js';

export interface ModelFacts {
  name: string;
  description: string;
  postprocess: Manifest['postprocess'];
  source: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
}

/** Writes `onnx` and its manifest into `dir` (emptied first) and returns the stored model. */
export async function writeModelFolder(dir: string, onnx: ModelProto, t: TrainableModel, facts: ModelFacts): Promise<StoredModel> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'model.onnx');
  await writeModel(file, onnx);
  const manifest: ManifestInput = {
    schemaVersion: 1,
    name: facts.name,
    family: t.family.name,
    description: facts.description,
    labels: t.labels,
    input: { name: t.input.name, width: t.input.width, height: t.input.height, layout: 'NCHW' },
    preprocess: t.preprocess,
    head: t.head,
    postprocess: facts.postprocess,
    files: { fp32: { file: 'model.onnx', sha256: await sha256File(file), bytes: (await stat(file)).size } },
    precision: 'fp32',
    source: facts.source,
    ...(facts.evaluation ? { evaluation: facts.evaluation } : {}),
    created: new Date().toISOString(),
  };
  const manifestFile = join(dir, MANIFEST_FILE);
  return { dir, manifestFile, manifest: writeManifest(manifestFile, manifest) };
}
