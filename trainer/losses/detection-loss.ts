import * as tf from '@tensorflow/tfjs';
import type { LabelledBox } from '../datasets/dataset.js';
import type { AnchorGrid } from './anchors.js';
import type { Assignment } from './assignment.js';

/** What the three family losses take and give, and the bookkeeping they share. */

/** The head's geometry: the model input size and the family's head parameters (model.json `head`). */
export interface LossContext<H> {
  inputWidth: number;
  inputHeight: number;
  head: H;
}

export interface DetectionLoss {
  /** The sum of `parts`: what the optimiser minimises. */
  total: tf.Scalar;
  /** Each term with its weight applied, named as the family's reference code names them. */
  parts: Record<string, tf.Scalar>;
  /** Foreground anchors over the batch. */
  foreground: number;
  /** Per image, which anchors learnt which box. */
  assignments: Assignment[];
}

/** The parts and their sum, as a new tensor so each can be disposed on its own. */
export function withTotal(parts: Record<string, tf.Scalar>): Pick<DetectionLoss, 'total' | 'parts'> {
  return { total: tf.addN(Object.values(parts)) as tf.Scalar, parts };
}

/** Checks the raw head against the grid and the targets; returns the class count. */
export function checkHead(family: string, raw: tf.Tensor, grid: AnchorGrid, boxChannels: number, targets: readonly (readonly LabelledBox[])[]): number {
  if (raw.rank !== 3) throw new RangeError(`${family} loss: raw head must be [batch, anchors, channels], got [${raw.shape.join(', ')}]`);
  const [batch, anchors, channels] = raw.shape as [number, number, number];
  if (anchors !== grid.count) {
    const sizes = grid.levels.map((l) => `${l.w}x${l.h}`).join(' + ');
    throw new RangeError(`${family} loss: raw head has ${anchors} anchors but the grid has ${grid.count} (${sizes} at strides ${grid.levels.map((l) => l.stride).join('/')})`);
  }
  const numClasses = channels - boxChannels;
  if (numClasses < 1) throw new RangeError(`${family} loss: ${channels} channels leave no class channels after ${boxChannels} box channels`);
  if (targets.length !== batch) throw new RangeError(`${family} loss: ${batch} images in the head but ${targets.length} target lists`);
  targets.forEach((boxes, b) =>
    boxes.forEach(({ classId }, i) => {
      if (!(Number.isInteger(classId) && classId >= 0 && classId < numClasses)) {
        throw new RangeError(`${family} loss: image ${b} box ${i} has class ${classId}, but the head has ${numClasses} classes`);
      }
    }),
  );
  return numClasses;
}

/** A batch's foreground: flat rows (image · anchors + anchor), their boxes and classes. */
export interface Foreground {
  rows: Int32Array;
  /** Anchor index within its image. */
  anchor: Int32Array;
  /** Assigned boxes, x1 y1 x2 y2 per row. */
  boxes: Float32Array;
  classes: Int32Array;
  quality: Float32Array;
}

export function foreground(assignments: readonly Assignment[], targets: readonly (readonly LabelledBox[])[], anchors: number): Foreground {
  const count = assignments.reduce((s, a) => s + a.anchors.length, 0);
  const fg: Foreground = {
    rows: new Int32Array(count),
    anchor: new Int32Array(count),
    boxes: new Float32Array(count * 4),
    classes: new Int32Array(count),
    quality: new Float32Array(count),
  };
  let i = 0;
  assignments.forEach((asg, b) => {
    asg.anchors.forEach((a, j) => {
      const t = targets[b]![asg.gt[j]!]!;
      fg.rows[i] = b * anchors + a;
      fg.anchor[i] = a;
      fg.boxes.set(t.box, i * 4);
      fg.classes[i] = t.classId;
      fg.quality[i] = asg.quality[j]!;
      i++;
    });
  });
  return fg;
}

/**
 * [count, width] zeros with `value[i]` at (at[i], columns[i]): soft one-hot targets, built on the
 * host because they are constants of the loss.
 */
export function softTargets(count: number, width: number, at: ArrayLike<number>, columns: ArrayLike<number>, value: ArrayLike<number>): tf.Tensor2D {
  const t = new Float32Array(count * width);
  for (let i = 0; i < at.length; i++) t[at[i]! * width + columns[i]!] = value[i]!;
  return tf.tensor2d(t, [count, width]);
}
