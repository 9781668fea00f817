/**
 * Changing the input size a detector graph is declared at. Convolutions do not care; what some
 * exports bake in does: Resize nodes given output `sizes` (NanoDet's FPN upsampling) and Reshape
 * targets holding a level's cell count (H/s · W/s). Both are rescaled here; anything else that
 * depends on the size shows when the caller runs the result.
 */
import { DataType, indexGraph, int64Tensor, tensorToNumbers, toNumber, valueInfo, type GraphProto, type TensorProto } from '../onnx/index.js';
import { TrainError } from './errors.js';

export interface InputSize {
  width: number;
  height: number;
}

/** Strides a feature map may have, from the stem to the coarsest level. */
const FEATURE_STRIDES = [1, 2, 4, 8, 16, 32, 64, 128];

type Grid = { from: number[]; to: number[] };

/**
 * A Reshape target at the new size: a trailing H, W pair of some stride's grid (a channel
 * shuffle's [N, g, C/g, H, W]), or a cell count H·W after the channel axis (a head's [N, C, H·W]).
 */
function reshapeTarget(v: readonly number[], grids: readonly Grid[], areas: ReadonlyMap<number, number>): number[] {
  const n = v.length;
  if (n >= 4) {
    const g = grids.find((x) => x.from[0] === v[n - 2] && x.from[1] === v[n - 1]);
    if (g) return [...v.slice(0, n - 2), g.to[0]!, g.to[1]!];
  }
  return v.map((d, i) => (i >= 2 && d > 1 ? (areas.get(d) ?? d) : d));
}

/** The declared size of the graph's image input, [batch, 3, height, width]. */
export function declaredInput(graph: GraphProto): { name: string; batch: number; width: number; height: number } {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const input = (graph.input ?? []).find((i) => !inits.has(i.name));
  const dims = (input?.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? toNumber(d.dimValue) : NaN));
  if (!input || dims.length !== 4 || dims.slice(1).some((d) => !Number.isFinite(d))) {
    throw new TrainError(`the graph's image input must be declared [N, 3, H, W] with fixed H and W, got '${input?.name ?? 'none'}' [${dims.join(', ')}]`);
  }
  return { name: input.name!, batch: Number.isFinite(dims[0]) ? dims[0]! : 1, height: dims[2]!, width: dims[3]! };
}

/** Rewrites `graph` (in place) to take `size` images; `strides` are the head's level strides. */
export function setInputSize(graph: GraphProto, size: InputSize, strides: readonly number[]): void {
  const old = declaredInput(graph);
  if (old.width === size.width && old.height === size.height) return;
  const top = Math.max(...strides);
  if (size.width % top || size.height % top) throw new TrainError(`input ${size.width}x${size.height} must be a multiple of the largest stride ${top}`);
  const idx = indexGraph(graph);
  graph.input = (graph.input ?? []).map((i) => (i.name === old.name ? valueInfo(old.name, DataType.FLOAT, [old.batch, 3, size.height, size.width]) : i));
  const ry = size.height / old.height;
  const rx = size.width / old.width;
  const grids = FEATURE_STRIDES.filter((s) => old.height % s === 0 && old.width % s === 0).map((s) => ({ from: [old.height / s, old.width / s], to: [size.height / s, size.width / s] }));
  const areas = new Map(grids.map((g) => [g.from[0]! * g.from[1]!, g.to[0]! * g.to[1]!]));
  const done = new Map<string, string>();
  const rewrite = (name: string, fn: (v: number[]) => number[]): string => {
    const prior = done.get(name);
    if (prior) return prior;
    const t = idx.initializers.get(name)!;
    const next = fn(tensorToNumbers(t));
    const renamed = `${name}_${size.width}x${size.height}`;
    (graph.initializer ??= []).push(int64Tensor(next, (t.dims ?? []).map((d) => toNumber(d)), renamed) as TensorProto);
    done.set(name, renamed);
    return renamed;
  };
  for (const node of graph.node ?? []) {
    if (node.opType === 'Resize' && node.input?.[3] && idx.initializers.has(node.input[3])) {
      node.input[3] = rewrite(node.input[3], (v) => {
        if (v.length !== 4) return v;
        const h = v[2]! * ry;
        const w = v[3]! * rx;
        if (!Number.isInteger(h) || !Number.isInteger(w)) throw new TrainError(`Resize '${node.name}' outputs ${v[2]}x${v[3]}, which does not scale to an integer size at ${size.width}x${size.height}`);
        return [v[0]!, v[1]!, h, w];
      });
    }
    if (node.opType === 'Reshape' && node.input?.[1] && idx.initializers.has(node.input[1])) {
      const v = tensorToNumbers(idx.initializers.get(node.input[1])!);
      const next = reshapeTarget(v, grids, areas);
      if (next.some((d, i) => d !== v[i])) node.input[1] = rewrite(node.input[1], () => next);
    }
  }
  graph.valueInfo = [];
}
