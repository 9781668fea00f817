/** Detections per label: a running total since start, and the number in the latest frame. */
export class LabelTally {
  readonly total = new Map<string, number>();
  readonly latest = new Map<string, number>();

  update(labels: readonly string[]): void {
    for (const l of this.latest.keys()) this.latest.set(l, 0);
    for (const l of labels) {
      this.total.set(l, (this.total.get(l) ?? 0) + 1);
      this.latest.set(l, (this.latest.get(l) ?? 0) + 1);
    }
  }
}
