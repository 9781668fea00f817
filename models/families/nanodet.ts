import { z } from 'zod';
import type { Candidate } from '../boxes.js';
import type { DecodeContext, ModelFamily, OutputShape, RawTensor } from '../family.js';
import { pushScores } from './candidates.js';
import { levelSizes, matrixDims, shapeText, sigmoid } from './tensor-view.js';

/**
 * Where the centre of grid cell g lies, in input pixels. Exports differ and the choice moves
 * mAP@0.5:0.95 by about 10 points, so it is a manifest parameter:
 * - `cell-center`: (g + 0.5) * stride (NanoDet-m)
 * - `pixel-center`: g * stride + (stride - 1) / 2 (mmdet-style points)
 * - `corner`: g * stride (NanoDet-Plus)
 */
const GRID_CENTERS = ['cell-center', 'pixel-center', 'corner'] as const;

const headSchema = z.strictObject({
  strides: z.array(z.number().int().positive()).min(1).default([8, 16, 32]),
  /** Bins of each side's distance distribution (reg_max + 1): 8 for NanoDet-m, 11 for others. */
  bins: z.number().int().min(1).default(8),
  gridCenter: z.enum(GRID_CENTERS).default('cell-center'),
  scoreActivation: z.enum(['none', 'sigmoid']).default('none'),
});
export type NanodetHead = z.infer<typeof headSchema>;

/**
 * NanoDet / GFL heads: per stride, class scores N x C and box distributions N x (4 * bins).
 * Outputs are picked by shape; one concatenated output N x (C + 4 * bins) is accepted too.
 */
export const nanodetFamily: ModelFamily<NanodetHead> = {
  name: 'nanodet',
  description: 'NanoDet (GFL): per-stride class scores and 4-side distance distributions',
  headSchema,
  defaultPreprocess: () => ({
    color: 'BGR',
    mean: [103.53, 116.28, 123.675],
    std: [57.375, 57.12, 58.395],
    letterbox: 'center',
    pad: 0,
    resize: 'linear',
  }),
  defaultHead: () => headSchema.parse({}),

  checkOutputs(outputs: readonly OutputShape[], ctx) {
    const dims = outputs.map((o) => matrixDims(o.shape));
    if (dims.some((d) => d === null)) {
      throw new Error(`nanodet expects outputs of shape [1xNxK], got ${outputs.map((o) => `'${o.name}' ${shapeText(o)}`).join(', ')}`);
    }
    planLevels(dims as [number, number][], ctx.inputWidth, ctx.inputHeight, ctx.numClasses, ctx.head);
  },

  decode(outputs: readonly RawTensor[], ctx: DecodeContext<NanodetHead>): Candidate[] {
    const plan = planLevels(
      outputs.map((o) => matrixDims(o.dims)!),
      ctx.inputWidth,
      ctx.inputHeight,
      ctx.numClasses,
      ctx.head,
    );
    const bins = ctx.head.bins;
    const act = ctx.head.scoreActivation === 'sigmoid' ? sigmoid : (x: number) => x;
    const dist = new Float64Array(4);
    const out: Candidate[] = [];
    for (const p of plan) {
      const s = p.stride;
      const cd = outputs[p.cls.output]!.data;
      const bd = outputs[p.box.output]!.data;
      const centerShift = ctx.head.gridCenter === 'cell-center' ? 0.5 * s : ctx.head.gridCenter === 'pixel-center' ? (s - 1) / 2 : 0;
      for (let gy = 0, i = 0; gy < p.h; gy++) {
        for (let gx = 0; gx < p.w; gx++, i++) {
          const co = p.cls.offset + i * p.cls.rowStride;
          let maxScore = -Infinity;
          for (let c = 0; c < ctx.numClasses; c++) if (cd[co + c]! > maxScore) maxScore = cd[co + c]!;
          if (act(maxScore) < ctx.scoreThreshold) continue;
          expectedDistances(bd, p.box.offset + i * p.box.rowStride, bins, dist);
          const cx = gx * s + centerShift;
          const cy = gy * s + centerShift;
          const box: Candidate['box'] = [cx - dist[0]! * s, cy - dist[1]! * s, cx + dist[2]! * s, cy + dist[3]! * s];
          pushScores(out, box, ctx, (c) => act(cd[co + c]!));
        }
      }
    }
    return out;
  },

  // Per level one convolution with scores and distributions together, or one for each.
  quantization: { headOutputChannels: (head, numClasses) => [numClasses + 4 * head.bins, numClasses, 4 * head.bins] },
};

/** GFL: each side's distance is the expectation of a softmax over `bins` integer positions. */
export function expectedDistances(data: Float32Array, offset: number, bins: number, out: Float64Array): void {
  for (let side = 0; side < 4; side++) {
    const o = offset + side * bins;
    let max = -Infinity;
    for (let b = 0; b < bins; b++) if (data[o + b]! > max) max = data[o + b]!;
    let sum = 0;
    let weighted = 0;
    for (let b = 0; b < bins; b++) {
      const e = Math.exp(data[o + b]! - max);
      sum += e;
      weighted += e * b;
    }
    out[side] = weighted / sum;
  }
}

interface Slice {
  output: number;
  offset: number;
  rowStride: number;
}

/** Finds, for each stride, which output (and which columns of it) hold class scores and boxes. */
function planLevels(
  dims: readonly [number, number][],
  inputWidth: number,
  inputHeight: number,
  numClasses: number,
  head: NanodetHead,
): { stride: number; w: number; h: number; cls: Slice; box: Slice }[] {
  const levels = levelSizes(inputWidth, inputHeight, head.strides);
  const boxCols = 4 * head.bins;
  const total = levels.reduce((s, l) => s + l.n, 0);
  const shapes = dims.map((d) => `${d[0]}x${d[1]}`).join(', ');

  const combined = dims.findIndex((d) => d[0] === total && d[1] === numClasses + boxCols);
  if (combined >= 0) {
    let row = 0;
    return levels.map((l) => {
      const rowStride = numClasses + boxCols;
      const plan = {
        ...l,
        cls: { output: combined, offset: row * rowStride, rowStride },
        box: { output: combined, offset: row * rowStride + numClasses, rowStride },
      };
      row += l.n;
      return plan;
    });
  }
  return levels.map((l) => {
    const cls = dims.findIndex((d) => d[0] === l.n && d[1] === numClasses);
    const box = dims.findIndex((d, i) => i !== cls && d[0] === l.n && d[1] === boxCols);
    if (cls < 0 || box < 0) {
      throw new Error(
        `nanodet: no outputs ${l.n}x${numClasses} (scores) and ${l.n}x${boxCols} (boxes, ${head.bins} bins) ` +
          `for stride ${l.stride} at input ${inputWidth}x${inputHeight}; outputs are ${shapes}`,
      );
    }
    return { ...l, cls: { output: cls, offset: 0, rowStride: numClasses }, box: { output: box, offset: 0, rowStride: boxCols } };
  });
}
