/** Start-of-frame markers that carry the image size (C4 DHT, C8 JPG and CC DAC are not frames). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

const SOS = 0xda;

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** A JPEG's header up to its first scan: the frame size and where the scan data starts, or what is wrong with it. */
export type JpegHeader = { width: number; height: number; scanData: number } | { problem: string };

/**
 * Walks the header segments of a JPEG without decoding anything. Written by hand because it must
 * be synchronous and cheap on every camera frame: sharp's metadata call costs a turn of the event
 * loop and a libvips header parse.
 */
export function readJpegHeader(buf: Buffer): JpegHeader {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return { problem: 'no JPEG start marker (FF D8)' };
  let size: { width: number; height: number } | null = null;
  let pos = 2;
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) return { problem: `header: no segment marker at byte ${pos}` };
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte before a marker
      continue;
    }
    const length = buf.readUInt16BE(pos + 2);
    if (length < 2 || pos + 2 + length > buf.length) return { problem: `header: segment FF ${hex(marker)} at byte ${pos} runs past the end` };
    if (isStartOfFrame(marker)) {
      if (length < 8) return { problem: `header: frame segment at byte ${pos} is too short` };
      const height = buf.readUInt16BE(pos + 5);
      const width = buf.readUInt16BE(pos + 7);
      if (!width || !height) return { problem: `header: frame size ${width}x${height}` };
      size = { width, height };
    }
    if (marker === SOS) return size ? { ...size, scanData: pos + 2 + length } : { problem: 'header: image data before any frame size' };
    pos += 2 + length;
  }
  return { problem: 'header: no image data' };
}
