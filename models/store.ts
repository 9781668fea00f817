import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ArgusError, ModelFileError } from './errors.js';
import { MANIFEST_FILE, readManifest, type Manifest, type Precision } from './manifest.js';

export interface StoredModel {
  /** Folder holding model.json and the ONNX files. */
  dir: string;
  manifestFile: string;
  manifest: Manifest;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A folder of models, one sub-folder each with model.json beside its ONNX files. */
export class ModelStore {
  constructor(readonly dir: string) {}

  modelDir(name: string): string {
    return join(this.dir, name);
  }

  /** Every model folder with its manifest, or the error that stops it loading. */
  list(): { name: string; model?: StoredModel; error?: Error }[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(this.dir, d.name, MANIFEST_FILE)))
      .map((d) => {
        try {
          return { name: d.name, model: this.open(d.name) };
        } catch (e) {
          return { name: d.name, error: e as Error };
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * A model by store name, or by a path to its folder or its model.json.
   * The manifest is validated; the ONNX files are checked by `onnxPath`.
   */
  open(ref: string): StoredModel {
    const candidates = [join(this.dir, ref), resolve(ref)];
    for (const c of candidates) {
      const file = existsSync(c) && statSync(c).isDirectory() ? join(c, MANIFEST_FILE) : c;
      if (basename(file) === MANIFEST_FILE && existsSync(file)) {
        return { dir: dirname(file), manifestFile: file, manifest: readManifest(file) };
      }
    }
    const names = this.list().map((m) => m.name);
    throw new ArgusError(
      `model '${ref}' not found in the model store ${this.dir}` +
        (names.length ? `. Models there: ${names.join(', ')}` : ' (it is empty: add one with `argus model add` or `argus model default`)'),
    );
  }
}

/** The ONNX file of one precision, after checking it exists and its sha256 matches the manifest. */
export async function verifiedOnnxPath(model: StoredModel, precision: Precision): Promise<string> {
  const entry = model.manifest.files[precision];
  if (!entry) {
    throw new ArgusError(
      `${model.manifestFile}: model '${model.manifest.name}' has no ${precision} file` +
        (precision === 'int8' ? ' (make one with `argus quantize`)' : ''),
    );
  }
  const file = join(model.dir, entry.file);
  if (!existsSync(file)) throw new ModelFileError(file, `missing (named in ${model.manifestFile} field 'files.${precision}.file')`);
  const actual = await sha256File(file);
  if (actual !== entry.sha256) {
    throw new ModelFileError(
      file,
      `sha256 ${actual} does not match ${model.manifestFile} field 'files.${precision}.sha256' (${entry.sha256}): the file was changed or corrupted`,
    );
  }
  return file;
}
