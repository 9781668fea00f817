/**
 * The graph training starts from: a store model's fp32 ONNX at the training input size with its
 * head cut to the user's classes, checked by running it in onnxruntime (the runtime that will
 * deploy it) and by the family's own output check.
 */
import { OnnxSession } from '../../device/inference/onnx-session.js';
import type { ModelFamily } from '../../models/family.js';
import type { PreprocessSpec } from '../../models/preprocess-spec.js';
import { getFamily } from '../../models/registry.js';
import { verifiedOnnxPath, type StoredModel } from '../../models/store.js';
import { decodeModel, encodeModel, readModel, DataType, valueInfo, type ModelProto } from '../onnx/index.js';
import { TrainError } from './errors.js';
import { findHeadGroups, type HeadGroup } from './head-graph.js';
import { replaceClasses } from './head-surgery.js';
import { declaredInput, setInputSize, type InputSize } from './input-size.js';

export interface TrainableModel {
  model: ModelProto;
  family: ModelFamily<unknown>;
  /** The family's head parameters, parsed. */
  head: { strides: number[] } & Record<string, unknown>;
  labels: string[];
  input: { name: string; width: number; height: number };
  preprocess: PreprocessSpec;
  groups: HeadGroup[];
}

export interface PrepareOptions {
  labels: readonly string[];
  /** Training input size; default the model's own. */
  size?: InputSize;
  /** Seeds the new class weights. */
  seed: number;
}

export interface PreparedModel extends TrainableModel {
  /** Labels initialised from the pretrained class of the same name, and from scratch. */
  copied: string[];
  fresh: string[];
}

function parseHead(family: ModelFamily<unknown>, raw: unknown): TrainableModel['head'] {
  return family.headSchema.parse(raw) as TrainableModel['head'];
}

/** A pretrained store model turned into the graph to train. */
export async function prepareModel(stored: StoredModel, opts: PrepareOptions): Promise<PreparedModel> {
  const m = stored.manifest;
  const family = getFamily(m.family);
  const head = parseHead(family, m.head);
  const file = await verifiedOnnxPath(stored, 'fp32');
  const model = decodeModel(encodeModel(await readModel(file)), file);
  const graph = model.graph!;
  // Old exports list initializers among the inputs too; their declared dims would go stale.
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  graph.input = (graph.input ?? []).filter((i) => !inits.has(i.name));
  if (opts.size) setInputSize(graph, opts.size, head.strides);
  const sameLabels = opts.labels.length === m.labels.length && opts.labels.every((l, i) => l === m.labels[i]);
  let surgery = { copied: [...opts.labels], fresh: [] as string[], groups: [] as HeadGroup[] };
  if (!sameLabels) surgery = replaceClasses(graph, family, head, m.labels, opts.labels, opts.seed);
  const input = declaredInput(graph);
  const prepared: PreparedModel = {
    model,
    family,
    head,
    labels: [...opts.labels],
    input: { name: input.name, width: input.width, height: input.height },
    preprocess: m.preprocess,
    groups: sameLabels ? findHeadGroups(graph, family, head, opts.labels.length) : surgery.groups,
    copied: surgery.copied,
    fresh: surgery.fresh,
  };
  await fixOutputs(prepared, `${file} cut to ${opts.labels.length} classes at ${input.width}x${input.height}`);
  return prepared;
}

/** A graph saved by training (a checkpoint) with its manifest facts: no surgery, only the head found. */
export function trainableFromGraph(model: ModelProto, familyName: string, rawHead: unknown, labels: readonly string[], preprocess: PreprocessSpec): TrainableModel {
  const family = getFamily(familyName);
  const head = parseHead(family, rawHead);
  const input = declaredInput(model.graph!);
  return {
    model,
    family,
    head,
    labels: [...labels],
    input: { name: input.name, width: input.width, height: input.height },
    preprocess,
    groups: findHeadGroups(model.graph!, family, head, labels.length),
  };
}

/**
 * A copy of a trained graph whose head keeps only `labels` (a subset of its classes, their
 * trained rows copied): what is deployed when training covered more classes than the user wants.
 */
export async function cutToClasses(t: TrainableModel, labels: readonly string[]): Promise<TrainableModel> {
  const model = decodeModel(encodeModel(t.model));
  const missing = labels.filter((l) => !t.labels.includes(l));
  if (missing.length) throw new TrainError(`cannot cut the head to ${missing.join(', ')}: not among the trained classes ${t.labels.join(', ')}`);
  const { groups } = replaceClasses(model.graph!, t.family, t.head, t.labels, labels, 0);
  const cut = { ...t, model, labels: [...labels], groups };
  await fixOutputs(cut, `the trained graph cut to ${labels.join(', ')}`);
  return cut;
}

/**
 * Runs the graph once in onnxruntime on a blank image, declares the output dims it produced and
 * checks them with the family; `what` names the graph in errors.
 */
async function fixOutputs(t: TrainableModel, what: string): Promise<void> {
  const graph = t.model.graph!;
  graph.output = (graph.output ?? []).map((o) => valueInfo(o.name ?? '', DataType.FLOAT, (o.type?.tensorType?.shape?.dim ?? []).map((_, i) => `d${i}`)));
  const session = await OnnxSession.fromBytes(encodeModel(t.model), what, { threads: 1 });
  let dims: (readonly number[])[];
  try {
    const outs = await session.run(t.input.name, new Float32Array(3 * t.input.width * t.input.height), [1, 3, t.input.height, t.input.width]);
    dims = outs.map((o) => o.dims);
  } catch (e) {
    throw new TrainError(`${what}: onnxruntime cannot run it (${(e as Error).message.split('\n')[0]})`, { cause: e });
  } finally {
    await session.close();
  }
  graph.output = graph.output.map((o, i) => valueInfo(o.name ?? '', DataType.FLOAT, [...dims[i]!]));
  try {
    t.family.checkOutputs(
      graph.output.map((o, i) => ({ name: o.name ?? '', shape: dims[i]! })),
      { inputWidth: t.input.width, inputHeight: t.input.height, numClasses: t.labels.length, head: t.head },
    );
  } catch (e) {
    throw new TrainError(`${what}: its outputs do not fit family '${t.family.name}' (${(e as Error).message})`, { cause: e });
  }
}
