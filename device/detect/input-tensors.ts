/**
 * Idle tensors kept for reuse: one for the frame being inferred, one for the frame being prepared
 * meanwhile. More frames prepared at once get a new tensor each, left to the GC.
 */
const KEEP_IDLE = 2;

/**
 * The input tensors of one detector. A prepared frame owns one until it is inferred or released,
 * so two frames in flight never share memory; a tensor moved to an inference worker comes back
 * through `recycle`.
 */
export class InputTensors<Owner extends object> {
  private readonly idle: Float32Array[] = [];
  private readonly owned = new WeakMap<Owner, Float32Array>();

  constructor(private readonly length: number) {}

  /** An idle tensor, or a new one. */
  take(): Float32Array {
    return this.idle.pop() ?? new Float32Array(this.length);
  }

  /** Keeps a tensor no longer in use for a later `take`. */
  recycle(tensor: Float32Array): void {
    // A buffer still away in a worker reads as empty: it must not be handed out.
    if (tensor.length === this.length && this.idle.length < KEEP_IDLE) this.idle.push(tensor);
  }

  attach(owner: Owner, tensor: Float32Array): void {
    this.owned.set(owner, tensor);
  }

  /** The owner's tensor, which it gives up; `what` names the caller in the error when it has none. */
  detach(owner: Owner, what: string): Float32Array {
    const tensor = this.owned.get(owner);
    if (!tensor) throw new Error(`${what}: the frame was not prepared by this detector, or was already inferred or released`);
    this.owned.delete(owner);
    return tensor;
  }
}
