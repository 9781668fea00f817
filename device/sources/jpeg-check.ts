import { readJpegHeader } from '../detect/jpeg-header.js';

const SOI = Buffer.from([0xff, 0xd8]);

/**
 * Why a buffer is not a usable JPEG, or null when it looks whole. Cheap by design (no decoding):
 * start and end markers, the header segments up to the first scan with a non-zero frame size,
 * and no second start marker in the scan data, which is where a truncated frame followed by the
 * next one shows (entropy-coded data never holds FF D8, as 0xFF is always stuffed there).
 */
export function jpegProblem(buf: Buffer): string | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return 'no JPEG start marker (FF D8)';
  if (buf[buf.length - 2] !== 0xff || buf[buf.length - 1] !== 0xd9) return 'no JPEG end marker (FF D9): truncated';
  const header = readJpegHeader(buf);
  if ('problem' in header) return header.problem;
  const restart = buf.indexOf(SOI, header.scanData);
  return restart >= 0 ? `a second JPEG start at byte ${restart}: truncated frame` : null;
}
