/** Each trainable family's loss, behind one signature. */
import type * as tf from '@tensorflow/tfjs';
import type { LabelledBox } from '../datasets/index.js';
import { nanodetLoss, yolov8Loss, yoloxLoss, type DetectionLoss } from '../losses/index.js';
import type { NanodetHead } from '../../models/families/nanodet.js';
import type { Yolov8Head } from '../../models/families/yolov8.js';
import type { YoloxHead } from '../../models/families/yolox.js';
import { TrainError } from './errors.js';
import { TRAINABLE_FAMILIES } from './head-graph.js';
import type { TrainableModel } from './prepare-model.js';

export type LossFn = (raw: tf.Tensor3D, targets: readonly (readonly LabelledBox[])[]) => DetectionLoss;

export function familyLoss(t: TrainableModel): LossFn {
  const size = { inputWidth: t.input.width, inputHeight: t.input.height };
  switch (t.family.name) {
    case 'yolox':
      return (raw, targets) => yoloxLoss(raw, targets, { ...size, head: t.head as unknown as YoloxHead });
    case 'nanodet':
      return (raw, targets) => nanodetLoss(raw, targets, { ...size, head: t.head as unknown as NanodetHead });
    case 'yolov8':
      return (raw, targets) => yolov8Loss(raw, targets, { ...size, head: t.head as unknown as Yolov8Head });
    default:
      throw new TrainError(`no training loss for family '${t.family.name}'. Should be one of: ${TRAINABLE_FAMILIES.join(', ')}`);
  }
}
