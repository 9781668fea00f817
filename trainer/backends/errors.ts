import { ArgusError } from '../../models/errors.js';

/** A TF.js backend that could not start; with several candidates, every cause is listed. */
export class BackendError extends ArgusError {
  constructor(
    message: string,
    readonly causes: readonly { backend: string; reason: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(causes.length ? `${message}:\n${causes.map((c) => `  ${c.backend}: ${c.reason}`).join('\n')}` : message, options);
  }
}
