/**
 * Import-time evaluation of TF ops on constant inputs. Shape subgraphs (Shape, StridedSlice,
 * Pack, Prod, Where, SparseToDense, ...) are all constant once the input size is fixed, so they
 * fold away here instead of reaching ONNX.
 */
import { attrBool, attrInt, attrInts, attrType } from './attrs.js';
import type { TfNode } from './model-json.js';
import {
  NdArray,
  alloc,
  binary,
  broadcastShapes,
  broadcastTo,
  cast,
  concat,
  gather,
  reduce,
  reshape,
  sizeOf,
  stridedSlice,
  transpose,
  unary,
  type DType,
} from './ndarray.js';

export type Folder = (node: TfNode, inputs: NdArray[]) => NdArray[];

/** A TF shape with one -1 resolved against an element count. */
export function resolveShape(target: readonly number[], size: number, what = 'reshape'): number[] {
  const known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) throw new RangeError(`${what}: more than one -1 in [${target.join(', ')}]`);
  const out = target.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (sizeOf(out) !== size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`${what}: cannot reshape ${size} elements to [${target.join(', ')}]`);
  }
  return out;
}

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new RangeError(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function tfDtype(t: string | undefined): DType {
  switch (t) {
    case 'DT_FLOAT':
    case 'DT_HALF':
    case 'DT_DOUBLE':
    case undefined:
      return 'float32';
    case 'DT_BOOL':
      return 'bool';
    default:
      return 'int32'; // DT_INT32, DT_INT64 (TF.js keeps int64 as int32), DT_UINT8, ...
  }
}

/** Shape after TF ExpandDims at `axis` (may be negative, counting in the output rank). */
export function expandedShape(shape: readonly number[], axis: number): number[] {
  const a = axis < 0 ? axis + shape.length + 1 : axis;
  return [...shape.slice(0, a), 1, ...shape.slice(a)];
}

/** Axes TF Squeeze removes: `squeeze_dims`, or every 1-dim when empty. */
export function squeezeAxes(node: TfNode, shape: readonly number[]): Set<number> {
  const dims = attrInts(node, 'squeeze_dims', attrInts(node, 'axis'));
  if (dims.length === 0) return new Set(shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  return new Set(dims.map((d) => normAxis(d, shape.length)));
}

/** Sizes of the pieces of a Split / SplitV along a dimension of `dim`. */
export function splitSizes(node: TfNode, dim: number, sizes?: readonly number[]): number[] {
  if (!sizes) {
    const n = attrInt(node, 'num_split', 1);
    if (dim % n !== 0) throw new RangeError(`cannot split a dimension of ${dim} into ${n} equal parts`);
    return new Array<number>(n).fill(dim / n);
  }
  const rest = dim - sizes.reduce((s, v) => (v === -1 ? s : s + v), 0);
  return sizes.map((s) => (s === -1 ? rest : s));
}

export interface SliceSpec {
  /** Per input axis: first index, count and step. */
  begin: number[];
  count: number[];
  step: number[];
  /** Final TF output shape (after new axes and shrinks). */
  outShape: number[];
}

/** TF StridedSlice semantics, masks included, on a tensor of `shape`. */
export function stridedSliceSpec(node: TfNode, shape: readonly number[], begin: readonly number[], end: readonly number[], strides: readonly number[]): SliceSpec {
  const beginMask = attrInt(node, 'begin_mask');
  const endMask = attrInt(node, 'end_mask');
  const ellipsisMask = attrInt(node, 'ellipsis_mask');
  const newAxisMask = attrInt(node, 'new_axis_mask');
  const shrinkMask = attrInt(node, 'shrink_axis_mask');
  const rank = shape.length;
  const spec: SliceSpec = { begin: [], count: [], step: [], outShape: [] };
  let dim = 0;
  const full = () => {
    spec.begin.push(0);
    spec.count.push(shape[dim]!);
    spec.step.push(1);
    spec.outShape.push(shape[dim]!);
    dim++;
  };
  const n = begin.length;
  for (let i = 0; i < n; i++) {
    const bit = 1 << i;
    if (ellipsisMask & bit) {
      let after = 0;
      for (let j = i + 1; j < n; j++) if (!(newAxisMask & (1 << j))) after++;
      const cover = rank - dim - after;
      for (let k = 0; k < cover; k++) full();
      continue;
    }
    if (newAxisMask & bit) {
      spec.outShape.push(1);
      continue;
    }
    if (dim >= rank) throw new RangeError(`strided slice spec has more axes than the input's ${rank}`);
    const size = shape[dim]!;
    const norm = (x: number) => (x < 0 ? x + size : x);
    if (shrinkMask & bit) {
      const b = norm(begin[i]!);
      if (b < 0 || b >= size) throw new RangeError(`strided slice index ${begin[i]} out of range for a dimension of ${size}`);
      spec.begin.push(b);
      spec.count.push(1);
      spec.step.push(1);
      dim++;
      continue;
    }
    const s = strides[i] ?? 1;
    if (s === 0) throw new RangeError('strided slice with stride 0');
    let b: number;
    let e: number;
    if (s > 0) {
      b = beginMask & bit ? 0 : Math.min(Math.max(norm(begin[i]!), 0), size);
      e = endMask & bit ? size : Math.min(Math.max(norm(end[i]!), 0), size);
    } else {
      b = beginMask & bit ? size - 1 : Math.min(Math.max(norm(begin[i]!), -1), size - 1);
      e = endMask & bit ? -1 : Math.min(Math.max(norm(end[i]!), -1), size - 1);
    }
    const count = s > 0 ? Math.max(0, Math.ceil((e - b) / s)) : Math.max(0, Math.ceil((b - e) / -s));
    spec.begin.push(count > 0 ? b : 0);
    spec.count.push(count);
    spec.step.push(s);
    spec.outShape.push(count);
    dim++;
  }
  while (dim < rank) full();
  return spec;
}

function reduction(fn: (acc: number, x: number) => number, init: number, mean = false, dtype?: DType): Folder {
  return (node, [x, axes]) => {
    const ax = axes!.toNumbers().map((a) => normAxis(a, x!.rank));
    const out = reduce(x!, ax, attrBool(node, 'keep_dims'), fn, init, dtype ?? x!.dtype);
    if (!mean) return [out];
    const n = ax.reduce((p, a) => p * x!.shape[a]!, 1);
    return [unary(out, (v) => v / n)];
  };
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const BINARY: Record<string, [(a: number, b: number) => number, 'same' | 'bool']> = {
  Add: [(a, b) => a + b, 'same'],
  AddV2: [(a, b) => a + b, 'same'],
  Sub: [(a, b) => a - b, 'same'],
  Mul: [(a, b) => a * b, 'same'],
  RealDiv: [(a, b) => a / b, 'same'],
  FloorDiv: [(a, b) => Math.floor(a / b), 'same'],
  FloorMod: [(a, b) => a - Math.floor(a / b) * b, 'same'],
  Maximum: [Math.max, 'same'],
  Minimum: [Math.min, 'same'],
  Pow: [(a, b) => a ** b, 'same'],
  SquaredDifference: [(a, b) => (a - b) * (a - b), 'same'],
  Equal: [(a, b) => +(a === b), 'bool'],
  NotEqual: [(a, b) => +(a !== b), 'bool'],
  Less: [(a, b) => +(a < b), 'bool'],
  LessEqual: [(a, b) => +(a <= b), 'bool'],
  Greater: [(a, b) => +(a > b), 'bool'],
  GreaterEqual: [(a, b) => +(a >= b), 'bool'],
  LogicalAnd: [(a, b) => +(a !== 0 && b !== 0), 'bool'],
  LogicalOr: [(a, b) => +(a !== 0 || b !== 0), 'bool'],
};

const UNARY: Record<string, (x: number) => number> = {
  Neg: (x) => -x,
  Abs: Math.abs,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Round: roundHalfEven,
  Sign: Math.sign,
  Sqrt: Math.sqrt,
  Rsqrt: (x) => 1 / Math.sqrt(x),
  Exp: Math.exp,
  Log: Math.log,
  Square: (x) => x * x,
  Reciprocal: (x) => 1 / x,
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Tanh: Math.tanh,
  Relu: (x) => Math.max(x, 0),
  Relu6: (x) => Math.min(Math.max(x, 0), 6),
};

export const FOLDERS: Record<string, Folder> = {
  Identity: (_n, [x]) => [x!],
  StopGradient: (_n, [x]) => [x!],
  Snapshot: (_n, [x]) => [x!],
  IdentityN: (_n, xs) => xs,
  Cast: (node, [x]) => [cast(x!, tfDtype(attrType(node, 'DstT')))],
  Shape: (_n, [x]) => [NdArray.vector(x!.shape as number[])],
  Size: (_n, [x]) => [NdArray.scalar(x!.size, 'int32')],
  Rank: (_n, [x]) => [NdArray.scalar(x!.rank, 'int32')],
  Reshape: (_n, [x, s]) => [reshape(x!, resolveShape(s!.toNumbers(), x!.size))],
  Transpose: (_n, [x, p]) => [transpose(x!, p!.toNumbers())],
  ExpandDims: (_n, [x, a]) => [reshape(x!, expandedShape(x!.shape, a!.data[0]!))],
  Squeeze: (node, [x]) => {
    const drop = squeezeAxes(node, x!.shape);
    return [reshape(x!, x!.shape.filter((_, i) => !drop.has(i)))];
  },
  ConcatV2: (_n, xs) => {
    const axis = xs[xs.length - 1]!.data[0]!;
    const parts = xs.slice(0, -1);
    return [concat(parts, normAxis(axis, parts[0]!.rank))];
  },
  Concat: (_n, [axis, ...parts]) => [concat(parts, normAxis(axis!.data[0]!, parts[0]!.rank))],
  Pack: (node, xs) => {
    const axis = normAxis(attrInt(node, 'axis'), xs[0]!.rank + 1);
    return [concat(xs.map((x) => reshape(x, expandedShape(x.shape, axis))), axis)];
  },
  Unpack: (node, [x]) => {
    const axis = normAxis(attrInt(node, 'axis'), x!.rank);
    const n = x!.shape[axis]!;
    const shape = x!.shape.filter((_, i) => i !== axis);
    return Array.from({ length: n }, (_, k) => {
      const begin = x!.shape.map((_, i) => (i === axis ? k : 0));
      const count = x!.shape.map((d, i) => (i === axis ? 1 : d));
      return reshape(stridedSlice(x!, begin, count, begin.map(() => 1)), shape);
    });
  },
  GatherV2: (node, [p, idx, axis]) => {
    if (attrInt(node, 'batch_dims') !== 0) throw new RangeError('GatherV2 with batch_dims is not supported');
    return [gather(p!, idx!, normAxis(axis!.data[0]!, p!.rank))];
  },
  Gather: (_n, [p, idx]) => [gather(p!, idx!, 0)],
  StridedSlice: (node, [x, b, e, s]) => {
    const spec = stridedSliceSpec(node, x!.shape, b!.toNumbers(), e!.toNumbers(), s!.toNumbers());
    return [reshape(stridedSlice(x!, spec.begin, spec.count, spec.step), spec.outShape)];
  },
  Slice: (_n, [x, b, s]) => {
    const begin = b!.toNumbers();
    const count = s!.toNumbers().map((c, i) => (c === -1 ? x!.shape[i]! - begin[i]! : c));
    return [stridedSlice(x!, begin, count, begin.map(() => 1))];
  },
  Fill: (_n, [dims, v]) => {
    const shape = dims!.toNumbers();
    return [new NdArray(v!.dtype, shape, alloc(v!.dtype, sizeOf(shape)).fill(v!.data[0]!))];
  },
  ZerosLike: (_n, [x]) => [new NdArray(x!.dtype, x!.shape, alloc(x!.dtype, x!.size))],
  OnesLike: (_n, [x]) => [new NdArray(x!.dtype, x!.shape, alloc(x!.dtype, x!.size).fill(1))],
  Range: (_n, [start, limit, delta]) => {
    const [a, l, d] = [start!.data[0]!, limit!.data[0]!, delta!.data[0]!];
    const n = Math.max(0, Math.ceil((l - a) / d));
    return [NdArray.of(start!.dtype, [n], Array.from({ length: n }, (_, i) => a + i * d))];
  },
  Tile: (_n, [x, m]) => {
    const reps = m!.toNumbers();
    let out = x!;
    reps.forEach((r, axis) => {
      if (r !== 1) out = concat(new Array<NdArray>(r).fill(out), axis);
    });
    return [out];
  },
  BroadcastTo: (_n, [x, s]) => [broadcastTo(x!, s!.toNumbers())],
  Where: (_n, [x]) => {
    const coords: number[] = [];
    const st = x!.shape.map((_, i) => sizeOf(x!.shape.slice(i + 1)));
    let n = 0;
    for (let i = 0; i < x!.size; i++) {
      if (x!.data[i] === 0) continue;
      n++;
      let r = i;
      for (const s of st) {
        coords.push(Math.floor(r / s));
        r %= s;
      }
    }
    return [NdArray.of('int32', [n, x!.rank], coords)];
  },
  SparseToDense: (_n, [indices, outShape, values, def]) => {
    const shape = outShape!.toNumbers();
    const out = new NdArray(values!.dtype, shape, alloc(values!.dtype, sizeOf(shape)).fill(def!.data[0]!));
    const rank = shape.length;
    const n = indices!.rank === 0 ? 1 : indices!.shape[0]!;
    const st = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
    for (let k = 0; k < n; k++) {
      let flat = 0;
      for (let j = 0; j < rank; j++) flat += indices!.data[k * (indices!.rank === 2 ? rank : 1) + j]! * st[j]!;
      out.data[flat] = values!.size === 1 ? values!.data[0]! : values!.data[k]!;
    }
    return [out];
  },
  Select: (_n, [c, t, e]) => [select(c!, t!, e!)],
  SelectV2: (_n, [c, t, e]) => [select(c!, t!, e!)],
  Split: (node, [axis, x]) => splitConst(node, x!, axis!.data[0]!),
  SplitV: (node, [x, sizes, axis]) => splitConst(node, x!, axis!.data[0]!, sizes!.toNumbers()),
  Sum: reduction((a, x) => a + x, 0),
  Prod: reduction((a, x) => a * x, 1),
  Max: reduction(Math.max, -Infinity),
  Min: reduction(Math.min, Infinity),
  Mean: reduction((a, x) => a + x, 0, true),
  All: reduction((a, x) => +(a !== 0 && x !== 0), 1, false, 'bool'),
  Any: reduction((a, x) => +(a !== 0 || x !== 0), 0, false, 'bool'),
  LogicalNot: (_n, [x]) => [unary(x!, (v) => +(v === 0), 'bool')],
  Div: (_n, [a, b]) => [binary(a!, b!, a!.dtype === 'float32' ? (x, y) => x / y : (x, y) => Math.trunc(x / y))],
  ...Object.fromEntries(Object.entries(BINARY).map(([op, [fn, kind]]) => [op, ((_n, [a, b]) => [binary(a!, b!, fn, kind === 'bool' ? 'bool' : a!.dtype)]) as Folder])),
  ...Object.fromEntries(Object.entries(UNARY).map(([op, fn]) => [op, ((_n, [x]) => [unary(x!, fn)]) as Folder])),
};

function splitConst(node: TfNode, x: NdArray, axisIn: number, sizesIn?: number[]): NdArray[] {
  const axis = normAxis(axisIn, x.rank);
  const sizes = splitSizes(node, x.shape[axis]!, sizesIn);
  let at = 0;
  return sizes.map((size) => {
    const begin = x.shape.map((_, i) => (i === axis ? at : 0));
    const count = x.shape.map((d, i) => (i === axis ? size : d));
    at += size;
    return stridedSlice(x, begin, count, begin.map(() => 1));
  });
}

function select(c: NdArray, t: NdArray, e: NdArray): NdArray {
  const shape = broadcastShapes(broadcastShapes(c.shape, t.shape), e.shape);
  const [cb, tb, eb] = [c, t, e].map((x) => broadcastTo(x, shape));
  const out = alloc(t.dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = cb!.data[i] ? tb!.data[i]! : eb!.data[i]!;
  return new NdArray(t.dtype, shape, out);
}
