import { ArgusError } from '../models/errors.js';

/** A bundle that cannot be built or read: says which step or file and why. */
export class BundleError extends ArgusError {}

/** A deploy step that failed on one host, naming the host and the step. */
export class DeployError extends ArgusError {
  constructor(
    readonly host: string,
    readonly step: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${host}: ${step}: ${detail}`, options);
  }
}

/** A remote command that exited non-zero; keeps its output for the report. */
export class RemoteCommandError extends ArgusError {
  constructor(
    readonly host: string,
    readonly what: string,
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`${host}: ${what} exited with ${code}${output.trim() ? `:\n${tail(output, 20)}` : ''}`);
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
