import { ArgusError } from '../../models/errors.js';

/** A source model that cannot be read or converted; names the file and, where known, the node. */
export class ImportError extends ArgusError {
  constructor(
    readonly file: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${detail}`, options);
  }
}

/** An op the importer has no conversion for. */
export class UnsupportedOpError extends ImportError {
  constructor(
    file: string,
    readonly op: string,
    readonly node: string,
    detail = 'the importer has no conversion for this op',
  ) {
    super(file, `unsupported op '${op}' in node '${node}': ${detail}`);
  }
}

export function isUnsupportedOpError(err: unknown): err is UnsupportedOpError {
  return err instanceof UnsupportedOpError;
}
