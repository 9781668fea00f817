/** What each epoch leaves in the run's history (history.json, the curves, the checkpoint). */
export interface EpochRecord {
  /** 1-based; epoch 0 is the pretrained model before any step. */
  epoch: number;
  /** Optimizer steps made so far. */
  steps: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
  /** Mean of each loss term over the epoch's steps, and of their `total`. */
  loss: Record<string, number>;
  /** Validation after the epoch (EMA weights, fp32). */
  map50: number;
  map50_95: number;
  /** Training wall-clock seconds at the end of the epoch, resumed runs included. */
  seconds: number;
  /** Only the head branches trained. */
  frozen: boolean;
  /** Steps whose loss was not finite, so no update was made. */
  skipped: number;
}
