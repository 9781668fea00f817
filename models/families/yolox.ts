import { z } from 'zod';
import type { Candidate } from '../boxes.js';
import type { DecodeContext, ModelFamily, OutputShape, RawTensor } from '../family.js';
import { pushScores } from './candidates.js';
import { levelSizes, matrixDims, shapeText, sigmoid } from './tensor-view.js';

const headSchema = z.strictObject({
  strides: z.array(z.number().int().positive()).min(1).default([8, 16, 32]),
  /** true when the export already added grids and strides (decode_in_inference=True). */
  decoded: z.boolean().default(false),
  /** 'sigmoid' when objectness and class scores are raw logits in the export. */
  scoreActivation: z.enum(['none', 'sigmoid']).default('none'),
});
export type YoloxHead = z.infer<typeof headSchema>;

/** YOLOX: one output N x (4 box + 1 objectness + C classes), anchors of all strides concatenated. */
export const yoloxFamily: ModelFamily<YoloxHead> = {
  name: 'yolox',
  description: 'YOLOX (Megvii): dx,dy,log w,log h + objectness + classes, strides 8/16/32',
  headSchema,
  defaultPreprocess: () => ({
    color: 'BGR',
    mean: [0, 0, 0],
    std: [1, 1, 1],
    letterbox: 'topleft',
    pad: 114,
    resize: 'linear',
  }),
  defaultHead: () => headSchema.parse({}),

  checkOutputs(outputs: readonly OutputShape[], ctx) {
    const expectedN = levelSizes(ctx.inputWidth, ctx.inputHeight, ctx.head.strides).reduce((s, l) => s + l.n, 0);
    const m = outputs[0] && matrixDims(outputs[0].shape);
    if (!m || m[1] !== 5 + ctx.numClasses || m[0] !== expectedN) {
      throw new Error(
        `yolox expects its first output to be 1x${expectedN}x${5 + ctx.numClasses} ` +
          `(${ctx.numClasses} classes, input ${ctx.inputWidth}x${ctx.inputHeight}), got ` +
          (outputs[0] ? `'${outputs[0].name}' ${shapeText(outputs[0])}` : 'no output'),
      );
    }
  },

  decode(outputs: readonly RawTensor[], ctx: DecodeContext<YoloxHead>): Candidate[] {
    const { data } = outputs[0]!;
    const k = 5 + ctx.numClasses;
    const act = ctx.head.scoreActivation === 'sigmoid' ? sigmoid : (x: number) => x;
    const out: Candidate[] = [];
    let row = 0;
    for (const level of levelSizes(ctx.inputWidth, ctx.inputHeight, ctx.head.strides)) {
      const s = level.stride;
      for (let gy = 0; gy < level.h; gy++) {
        for (let gx = 0; gx < level.w; gx++, row++) {
          const o = row * k;
          const obj = act(data[o + 4]!);
          if (obj < ctx.scoreThreshold) continue;
          let cx: number, cy: number, w: number, h: number;
          if (ctx.head.decoded) {
            cx = data[o]!;
            cy = data[o + 1]!;
            w = data[o + 2]!;
            h = data[o + 3]!;
          } else {
            cx = (data[o]! + gx) * s;
            cy = (data[o + 1]! + gy) * s;
            w = Math.exp(data[o + 2]!) * s;
            h = Math.exp(data[o + 3]!) * s;
          }
          const box: Candidate['box'] = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
          pushScores(out, box, ctx, (c) => obj * act(data[o + 5 + c]!));
        }
      }
    }
    return out;
  },

  quantization: {
    // Per level: box regression (4), objectness (1) and class (C) convolutions.
    headOutputChannels: (_head, numClasses) => [4, 1, numClasses],
    // Focus and dark2 see raw 0..255 pixels through BN-folded weights: quantized, they cost
    // yolox_nano 2 mAP@0.5:0.95 on coco128 val even with per-channel scales; float, 0.3.
    floatStemBelowStride: 8,
  },
};
