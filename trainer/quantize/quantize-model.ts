/**
 * `argus quantize`: fp32 model of the store → model.int8.onnx beside it, static QDQ int8 with
 * calibrated activations, recorded in model.json (files.int8, quantization, calibration).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxSession } from '../../device/inference/onnx-session.js';
import { log } from '../../device/log.js';
import { writeManifest, type Manifest } from '../../models/manifest.js';
import { getFamily } from '../../models/registry.js';
import { sha256File, verifiedOnnxPath, type StoredModel } from '../../models/store.js';
import { readModel, writeModel, type NodeProto } from '../onnx/index.js';
import { floatBoundaries } from './graph/boundaries.js';
import { equalizableChains, equalizeChain } from './graph/equalize.js';
import { channelFactors } from './calibration/channel-scales.js';
import { calibrate, channelStatistics, type CalibrationResult } from './calibration/collect.js';
import { calibrationImages, type CalibrationImages } from './calibration/images.js';
import { convsFinerThan } from './calibration/probe.js';
import { tensorTypes } from './graph/dtypes.js';
import { QUANTIZABLE_OPS } from './graph/op-kinds.js';
import { QDQ_OPSET } from './graph/opset.js';
import { groupRanges, planQuantization, type QuantPlan } from './graph/plan.js';
import { prepareForQdq } from './graph/prepare.js';
import { insertQdq } from './graph/qdq.js';
import { fuseSilu } from './graph/silu.js';
import { findDecodeTail } from './graph/tail.js';
import { QuantizeError } from './errors.js';
import { QUANTIZE_DEFAULTS, type QuantizeOptions } from './options.js';
import { activationParams } from './qparams.js';

export const INT8_FILE = 'model.int8.onnx';

export interface QuantizeResult {
  manifest: Manifest;
  file: string;
  plan: QuantPlan;
  images: CalibrationImages;
  calibration: CalibrationResult;
}

/** Node counts by op type. */
function countByOp(nodes: Iterable<NodeProto>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.opType ?? '?'] = (counts[n.opType ?? '?'] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export async function quantizeModel(model: StoredModel, options: QuantizeOptions): Promise<QuantizeResult> {
  // Options left undefined (as the CLI passes them) take the defaults.
  const o = { ...QUANTIZE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof QUANTIZE_DEFAULTS & QuantizeOptions;
  const unknownOps = o.ops.filter((op) => !QUANTIZABLE_OPS.includes(op));
  if (unknownOps.length) throw new QuantizeError(`cannot quantize op types ${unknownOps.join(', ')}. Should be among: ${QUANTIZABLE_OPS.join(', ')}`);
  const m = model.manifest;
  const images = await calibrationImages(o.calib, o.images);
  for (const u of images.unreadable) log.warn(`${u.file}: ${u.reason}`);

  const fp32File = await verifiedOnnxPath(model, 'fp32');
  const proto = await readModel(fp32File);
  const prepared = prepareForQdq(proto, fp32File);
  const siluFused = o.ops.includes('Sigmoid') && o.ops.includes('Mul') ? 0 : fuseSilu(proto);
  const graph = proto.graph!;
  const input = { name: m.input.name, width: m.input.width, height: m.input.height };

  const chains = equalizableChains(graph);
  let imageFiles = images.files;
  const skipped: { file: string; reason: string }[] = [...images.unreadable];
  if (chains.length) {
    const s = await channelStatistics(proto, input, m.preprocess, chains.map((c) => c.tensor), imageFiles);
    if (!s.readable.length) throw new QuantizeError(`none of the ${imageFiles.length} calibration images could be read (see the warnings above)`);
    for (const chain of chains) equalizeChain(graph, chain, channelFactors(s.stats.get(chain.tensor)!));
    imageFiles = s.readable;
    skipped.push(...s.skipped);
  }

  const family = getFamily(m.family);
  const headChannels = family.quantization?.headOutputChannels(family.headSchema.parse(m.head), m.labels.length);
  const tail = findDecodeTail(graph, headChannels);
  if (headChannels && tail.rule !== 'family hint') {
    log.warn(`no convolution with ${headChannels.join(' or ')} output channels (the ${family.name} head): keeping float what follows the last convolutions`);
  }
  const stemStride = family.quantization?.floatStemBelowStride;
  const stem = stemStride ? await convsFinerThan(proto, input, stemStride) : new Set<NodeProto>();
  const plan = planQuantization(graph, {
    ops: new Set(o.ops),
    tail,
    stem,
    exclude: o.exclude ?? [],
    types: tensorTypes(graph),
  });
  for (const p of plan.unmatchedExcludes) log.warn(`--exclude '${p}' matches no node or tensor of ${fp32File}`);
  if (!plan.int8.size) throw new QuantizeError(`${fp32File}: nothing to quantize (no node of the op types ${o.ops.join(', ')} outside the decode tail and the excludes)`);

  const boundaries = floatBoundaries(graph, plan);
  const calibration = await calibrate({
    model: proto,
    input,
    preprocess: m.preprocess,
    tensors: plan.calibrate,
    channelwise: new Set(boundaries.keys()),
    means: new Set([...plan.int8].filter((n) => n.opType === 'Conv').map((n) => n.input![0]!)),
    images: imageFiles,
    method: o.method,
    percentile: o.percentile,
  });
  const params = new Map([...groupRanges(plan, calibration.ranges)].map(([t, [lo, hi]]) => [t, activationParams(lo, hi, o.activations)]));
  insertQdq(graph, { plan, params, type: o.activations, boundaries, factors: calibration.factors, means: calibration.means });
  proto.producerName = 'argus quantize';

  const file = join(model.dir, INT8_FILE);
  await writeModel(file, proto);
  // A model onnxruntime refuses must not reach the manifest.
  await (await OnnxSession.create(file)).close();

  const floatOps: Record<string, Record<string, number>> = {};
  for (const [node, reason] of plan.float) (floatOps[reason] ??= {})[node.opType ?? '?'] = (floatOps[reason][node.opType ?? '?'] ?? 0) + 1;
  const manifest = writeManifest(model.manifestFile, {
    ...m,
    files: { ...m.files, int8: { file: INT8_FILE, sha256: await sha256File(file), bytes: statSync(file).size } },
    quantization: {
      format: 'QDQ',
      opset: QDQ_OPSET,
      from_opset: prepared.fromOpset,
      initializer_inputs_dropped: prepared.droppedInputs,
      silu_as_quickgelu: siluFused,
      equalized_conv_chains: chains.length,
      channelwise_boundaries: calibration.factors.size,
      weights: 'int8 symmetric per output channel',
      activations: `${o.activations} asymmetric per tensor`,
      bias: 'int32, scale = input scale x weight scale',
      int8_ops: countByOp(plan.int8),
      float_ops: floatOps,
      decode_tail: { rule: tail.rule, head_convs: tail.headConvs.map((n) => n.name ?? n.output![0]), nodes: tail.nodes.size },
      exclude: o.exclude ?? [],
      created: new Date().toISOString(),
    },
    calibration: {
      source: o.calibDescription ?? images.source,
      kind: images.kind,
      method: o.method,
      ...(o.method === 'percentile' ? { percentile: o.percentile } : {}),
      images: calibration.images,
      found: images.found,
      skipped: skipped.length + calibration.skipped.length,
      tensors: plan.calibrate.length,
      seconds: Math.round(calibration.seconds * 10) / 10,
    },
  });
  return { manifest, file, plan, images, calibration };
}
