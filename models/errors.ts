/**
 * The error hierarchy of argus. Every error names what was wrong and where (file, field, topic),
 * so a user can fix the input without reading code.
 */
export class ArgusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A model.json that is missing, unparsable, or fails the schema. */
export class ManifestError extends ArgusError {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${field ? `field '${field}': ` : ''}${detail}`, options);
  }
}

/** An ONNX file that is missing, corrupt, or does not match its manifest. */
export class ModelFileError extends ArgusError {
  constructor(
    readonly file: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${detail}`, options);
  }
}

/** A dataset, label or image file that cannot be used. */
export class DataError extends ArgusError {
  constructor(
    readonly file: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${detail}`, options);
  }
}

/** A request for a named plug-in (family, source) that is not registered. */
export class UnknownKindError extends ArgusError {
  constructor(what: string, name: string, valid: readonly string[]) {
    super(`unknown ${what} '${name}'. Should be one of: ${valid.join(', ')}`);
  }
}

export function isArgusError(e: unknown): e is ArgusError {
  return e instanceof ArgusError;
}
