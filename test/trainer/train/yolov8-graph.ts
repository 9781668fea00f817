/**
 * A small detector laid out as Ultralytics exports YOLOv8 to ONNX (no YOLOv8 file is in the shared
 * data): per level a box branch ending in a 4 x regMax convolution and a class branch ending in a
 * C-channel one, joined by a Concat; levels flattened and joined; Split into box distributions and
 * class logits; the DFL as Softmax and a fixed 1x1 convolution with weights 0..regMax−1; dist2bbox
 * against constant anchor points; output 1 x (4 + C) x N with cx, cy, w, h in input pixels and
 * sigmoid scores. Weights are seeded random; the structure is what the trainer must handle.
 */
import { createRandom } from '../../../trainer/augment/index.js';
import { DataType, GraphBuilder, attr, encodeModel } from '../../../trainer/onnx/index.js';

export const V8_STRIDES = [8, 16, 32];
const REG_MAX = 16;
const WIDTH = 8;

export function yolov8Graph(numClasses: number, size: number, seed = 1): Uint8Array {
  const b = new GraphBuilder('yolov8-like');
  const rnd = createRandom(seed, 0);
  const weights = (n: number, std: number) => Float32Array.from({ length: n }, () => (rnd.next() * 2 - 1) * std);
  const conv = (x: string, cin: number, cout: number, k: number, stride: number, act: boolean): string => {
    const w = b.floatConst('w', weights(cout * cin * k * k, 1 / Math.sqrt(cin * k * k)), [cout, cin, k, k]);
    const bias = b.floatConst('b', weights(cout, 0.1), [cout]);
    const pad = (k - 1) / 2;
    const y = b.add1('Conv', [x, w, bias], { attrs: { kernel_shape: attr.ints([k, k]), strides: attr.ints([stride, stride]), pads: attr.ints([pad, pad, pad, pad]) } });
    return act ? b.add1('Mul', [y, b.add1('Sigmoid', [y])]) : y;
  };
  const input = b.addInput('images', DataType.FLOAT, [1, 3, size, size]);
  // The backbone: 3x3 stride-2 convolutions with SiLU, as YOLOv8's.
  const down = (x: string, cin: number) => conv(x, cin, WIDTH, 3, 2, true);
  const f8 = down(down(down(input, 3), WIDTH), WIDTH);
  const f16 = down(f8, WIDTH);
  const f32 = down(f16, WIDTH);
  const channels = 4 * REG_MAX + numClasses;
  const flat: string[] = [];
  const anchors: number[][] = [[], []];
  const strideRow: number[] = [];
  [f8, f16, f32].forEach((f, level) => {
    const box = conv(conv(f, WIDTH, WIDTH, 3, 1, true), WIDTH, 4 * REG_MAX, 1, 1, false);
    const cls = conv(conv(f, WIDTH, WIDTH, 3, 1, true), WIDTH, numClasses, 1, 1, false);
    const joined = b.add1('Concat', [box, cls], { attrs: { axis: attr.int(1) } });
    flat.push(b.add1('Reshape', [joined, b.int64Const('shape', [1, channels, -1])]));
    const cells = size / V8_STRIDES[level]!;
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        anchors[0]!.push(x + 0.5);
        anchors[1]!.push(y + 0.5);
        strideRow.push(V8_STRIDES[level]!);
      }
    }
  });
  const n = strideRow.length;
  const all = b.add1('Concat', flat, { attrs: { axis: attr.int(2) } });
  const [dist, logits] = b.addNode('Split', [all, b.int64Const('split', [4 * REG_MAX, numClasses])], { outputs: 2, attrs: { axis: attr.int(1) } });
  const bins = b.add1('Transpose', [b.add1('Reshape', [dist!, b.int64Const('shape', [1, 4, REG_MAX, n])])], { attrs: { perm: attr.ints([0, 2, 1, 3]) } });
  const dfl = b.floatConst('dfl', Float32Array.from({ length: REG_MAX }, (_, i) => i), [1, REG_MAX, 1, 1]);
  const sides = b.add1('Reshape', [b.add1('Conv', [b.add1('Softmax', [bins], { attrs: { axis: attr.int(1) } }), dfl]), b.int64Const('shape', [1, 4, n])]);
  const slice = (from: number, to: number) => b.add1('Slice', [sides, b.int64Const('starts', [from]), b.int64Const('ends', [to]), b.int64Const('axes', [1])]);
  const points = b.floatConst('anchors', [...anchors[0]!, ...anchors[1]!], [1, 2, n]);
  const topLeft = b.add1('Sub', [points, slice(0, 2)]);
  const bottomRight = b.add1('Add', [points, slice(2, 4)]);
  const centre = b.add1('Div', [b.add1('Add', [topLeft, bottomRight]), b.floatConst('two', [2], [])]);
  const wh = b.add1('Sub', [bottomRight, topLeft]);
  const boxes = b.add1('Mul', [b.add1('Concat', [centre, wh], { attrs: { axis: attr.int(1) } }), b.floatConst('strides', strideRow, [1, 1, n])]);
  b.add1('Concat', [boxes, b.add1('Sigmoid', [logits!])], { attrs: { axis: attr.int(1) }, output: 'output0' });
  b.addOutput('output0', DataType.FLOAT, [1, 4 + numClasses, n]);
  return encodeModel(b.model());
}
