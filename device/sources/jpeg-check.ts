const SOI = Buffer.from([0xff, 0xd8]);
const SOS = 0xda;

/** Start-of-frame markers that carry the image size (C4 DHT, C8 JPG and CC DAC are not frames). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Why a buffer is not a usable JPEG, or null when it looks whole. Cheap by design (no decoding):
 * start and end markers, the header segments up to the first scan with a non-zero frame size,
 * and no second start marker in the scan data, which is where a truncated frame followed by the
 * next one shows (entropy-coded data never holds FF D8, as 0xFF is always stuffed there).
 */
export function jpegProblem(buf: Buffer): string | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return 'no JPEG start marker (FF D8)';
  if (buf[buf.length - 2] !== 0xff || buf[buf.length - 1] !== 0xd9) return 'no JPEG end marker (FF D9): truncated';
  let sized = false;
  let pos = 2;
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) return `header: no segment marker at byte ${pos}`;
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte before a marker
      continue;
    }
    const length = buf.readUInt16BE(pos + 2);
    if (length < 2 || pos + 2 + length > buf.length) return `header: segment FF ${hex(marker)} at byte ${pos} runs past the end`;
    if (isStartOfFrame(marker)) {
      if (length < 8) return `header: frame segment at byte ${pos} is too short`;
      const height = buf.readUInt16BE(pos + 5);
      const width = buf.readUInt16BE(pos + 7);
      if (!width || !height) return `header: frame size ${width}x${height}`;
      sized = true;
    }
    if (marker === SOS) {
      if (!sized) return 'header: image data before any frame size';
      const restart = buf.indexOf(SOI, pos + 2 + length);
      return restart >= 0 ? `a second JPEG start at byte ${restart}: truncated frame` : null;
    }
    pos += 2 + length;
  }
  return 'header: no image data';
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
