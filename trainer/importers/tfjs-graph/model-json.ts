/**
 * The TF.js graph-model file format: model.json (topology, weights manifest, signature) and
 * its binary weight shards.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ImportError } from '../errors.js';

/** A TF attribute value as the converter writes it into model.json. */
export interface TfAttrValue {
  s?: string; // base64
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; b?: boolean[]; type?: string[]; shape?: unknown[] };
  tensor?: unknown;
  func?: unknown;
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
  device?: string;
}

export interface TfTensorInfo {
  name: string;
  dtype?: string;
  tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
  group?: string;
}

export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface TfjsGraphModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: { node: TfNode[]; library?: unknown; versions?: unknown };
  weightsManifest: WeightsGroup[];
  signature?: { inputs?: Record<string, TfTensorInfo>; outputs?: Record<string, TfTensorInfo> };
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
}

/** A model.json with its weight shards read and concatenated in manifest order. */
export interface TfjsGraphModelFiles {
  file: string;
  json: TfjsGraphModelJson;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
}

export async function readTfjsGraphModel(modelJsonPath: string): Promise<TfjsGraphModelFiles> {
  let text: string;
  try {
    text = await readFile(modelJsonPath, 'utf8');
  } catch (err) {
    throw new ImportError(modelJsonPath, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  let json: TfjsGraphModelJson;
  try {
    json = JSON.parse(text) as TfjsGraphModelJson;
  } catch (err) {
    throw new ImportError(modelJsonPath, `not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (json.format !== undefined && json.format !== 'graph-model') {
    throw new ImportError(modelJsonPath, `field 'format' is '${json.format}'; only TF.js graph models ('graph-model') can be imported`);
  }
  if (!Array.isArray(json.modelTopology?.node)) {
    throw new ImportError(modelJsonPath, `field 'modelTopology.node' is missing; not a TF.js graph model`);
  }
  const groups = json.weightsManifest ?? [];
  if (!Array.isArray(groups)) throw new ImportError(modelJsonPath, `field 'weightsManifest' must be an array`);
  const dir = dirname(modelJsonPath);
  const shards: Uint8Array[] = [];
  for (const [g, group] of groups.entries()) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ImportError(modelJsonPath, `field 'weightsManifest.${g}' needs 'paths' and 'weights' arrays`);
    }
    for (const p of group.paths) {
      try {
        shards.push(await readFile(join(dir, p)));
      } catch (err) {
        throw new ImportError(modelJsonPath, `weight shard '${p}' (weightsManifest.${g}.paths): ${(err as Error).message}`, { cause: err });
      }
    }
  }
  const total = shards.reduce((s, b) => s + b.length, 0);
  const weightData = new Uint8Array(total);
  let o = 0;
  for (const s of shards) {
    weightData.set(s, o);
    o += s.length;
  }
  return { file: modelJsonPath, json, weightSpecs: groups.flatMap((g) => g.weights), weightData };
}

/**
 * The files as TF.js `io.ModelArtifacts`, for `tf.loadGraphModel({ load: async () => artifacts })`
 * in Node, where TF.js has no file:// loader. Typed loosely so this module does not import TF.js.
 */
export function toModelArtifacts(files: TfjsGraphModelFiles): Record<string, unknown> {
  const { json } = files;
  const weightData = files.weightData.buffer.slice(files.weightData.byteOffset, files.weightData.byteOffset + files.weightData.byteLength);
  const artifacts: Record<string, unknown> = {
    modelTopology: json.modelTopology,
    weightSpecs: files.weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
  if (json.signature) artifacts.signature = json.signature;
  if (json.userDefinedMetadata) artifacts.userDefinedMetadata = json.userDefinedMetadata;
  if (json.modelInitializer) artifacts.modelInitializer = json.modelInitializer;
  return artifacts;
}
