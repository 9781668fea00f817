import { z } from 'zod';
import type { Candidate } from '../boxes.js';
import type { DecodeContext, ModelFamily, OutputShape, RawTensor } from '../family.js';
import { pushScores } from './candidates.js';
import { matrixDims, shapeText, sigmoid } from './tensor-view.js';

const headSchema = z.strictObject({
  strides: z.array(z.number().int().positive()).min(1).default([8, 16, 32]),
  /** DFL bins per side inside the graph (reg_max), used when training the raw head. */
  regMax: z.number().int().min(1).default(16),
  scoreActivation: z.enum(['none', 'sigmoid']).default('none'),
});
export type Yolov8Head = z.infer<typeof headSchema>;

/**
 * Ultralytics YOLOv8 (and later) detection exports: 1 x (4 + C) x N with cx, cy, w, h in input
 * pixels and sigmoid class scores, no objectness. A transposed 1 x N x (4 + C) is accepted too.
 */
export const yolov8Family: ModelFamily<Yolov8Head> = {
  name: 'yolov8',
  description: 'Ultralytics YOLOv8: 1x(4+C)xN, cx,cy,w,h pixels + class scores, no objectness',
  headSchema,
  defaultPreprocess: () => ({
    color: 'RGB',
    mean: [0, 0, 0],
    std: [255, 255, 255],
    letterbox: 'center',
    pad: 114,
    resize: 'linear',
  }),
  defaultHead: () => headSchema.parse({}),

  checkOutputs(outputs: readonly OutputShape[], ctx) {
    const m = outputs[0] && matrixDims(outputs[0].shape);
    if (!m || (m[0] !== 4 + ctx.numClasses && m[1] !== 4 + ctx.numClasses)) {
      throw new Error(
        `yolov8 expects its first output to be 1x${4 + ctx.numClasses}xN (${ctx.numClasses} classes), got ` +
          (outputs[0] ? `'${outputs[0].name}' ${shapeText(outputs[0])}` : 'no output'),
      );
    }
  },

  decode(outputs: readonly RawTensor[], ctx: DecodeContext<Yolov8Head>): Candidate[] {
    const t = outputs[0]!;
    const [rows, cols] = matrixDims(t.dims)!;
    const k = 4 + ctx.numClasses;
    // Channels-first is the Ultralytics default; a square ambiguity resolves to it too.
    const channelsFirst = rows === k;
    const n = channelsFirst ? cols : rows;
    const at = channelsFirst ? (i: number, ch: number) => t.data[ch * n + i]! : (i: number, ch: number) => t.data[i * k + ch]!;
    const act = ctx.head.scoreActivation === 'sigmoid' ? sigmoid : (x: number) => x;
    const out: Candidate[] = [];
    for (let i = 0; i < n; i++) {
      const cx = at(i, 0);
      const cy = at(i, 1);
      const w = at(i, 2);
      const h = at(i, 3);
      pushScores(out, [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], ctx, (c) => act(at(i, 4 + c)));
    }
    return out;
  },

  // Per level the box distribution (4 x regMax) and class (C) convolutions; the DFL convolution
  // that follows them is part of the decode tail.
  quantization: { headOutputChannels: (head, numClasses) => [4 * head.regMax, numClasses] },
};
