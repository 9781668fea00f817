/** Stops training when the validation metric has not improved for `patience` epochs. */
export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
}

export class EarlyStopping {
  constructor(
    readonly patience: number,
    public state: EarlyStoppingState = { best: -Infinity, bestEpoch: -1 },
  ) {}

  /** Records an epoch's metric; says whether it is the best so far and whether to stop. */
  update(epoch: number, metric: number): { improved: boolean; stop: boolean } {
    const improved = metric > this.state.best;
    if (improved) this.state = { best: metric, bestEpoch: epoch };
    return { improved, stop: this.patience > 0 && epoch - this.state.bestEpoch >= this.patience };
  }
}
