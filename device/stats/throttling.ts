import { execFile } from 'node:child_process';
import { log } from '../log.js';

/** One state of the Pi's power and thermal guard. */
export interface ThrottleFlags {
  under_voltage: boolean;
  freq_capped: boolean;
  throttled: boolean;
  soft_temp_limit: boolean;
}

export interface Throttling {
  /** As vcgencmd printed it, e.g. `0x50005`. */
  raw: string;
  /** What holds now (bits 0-3). */
  now: ThrottleFlags;
  /** What happened since boot (bits 16-19). */
  since_boot: ThrottleFlags;
}

function flagsAt(bits: number, shift: number): ThrottleFlags {
  return {
    under_voltage: ((bits >> shift) & 1) === 1,
    freq_capped: ((bits >> (shift + 1)) & 1) === 1,
    throttled: ((bits >> (shift + 2)) & 1) === 1,
    soft_temp_limit: ((bits >> (shift + 3)) & 1) === 1,
  };
}

/** Decodes `vcgencmd get_throttled` output (`throttled=0x50005`); an error names what it got. */
export function decodeThrottled(output: string): Throttling {
  const m = /throttled=(0x[0-9a-f]+)/i.exec(output);
  if (!m) throw new Error(`vcgencmd get_throttled: expected 'throttled=0x…', got '${output.trim()}'`);
  const bits = parseInt(m[1]!, 16);
  return { raw: m[1]!, now: flagsAt(bits, 0), since_boot: flagsAt(bits, 16) };
}

/** Asks the Pi firmware; null off a Pi (no vcgencmd) or when it does not answer in a second. */
export async function readThrottling(command = 'vcgencmd'): Promise<Throttling | null> {
  const output = await new Promise<string | null>((resolve) => {
    execFile(command, ['get_throttled'], { timeout: 1000 }, (err, stdout) => resolve(err ? null : stdout));
  });
  if (output === null) return null;
  try {
    return decodeThrottled(output);
  } catch (e) {
    log.warn((e as Error).message);
    return null;
  }
}
