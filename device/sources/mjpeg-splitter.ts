import { Transform, type TransformCallback } from 'node:stream';

/** The largest frame kept while waiting for its end marker; more means the stream is not MJPEG. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/**
 * Splits a concatenated MJPEG byte stream (rpicam-vid `--codec mjpeg -o -`, ffmpeg image2pipe)
 * into one Buffer per JPEG, from SOI (FF D8) to EOI (FF D9). Written here because the npm
 * splitters are unmaintained; inside entropy-coded data 0xFF is always stuffed, so a marker scan
 * is exact for encoder output without embedded thumbnails. Bytes outside a frame are counted as
 * garbage, never thrown.
 */
export class MjpegSplitter extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private inFrame = false;
  /** Bytes seen outside any frame (a damaged stream). */
  garbageBytes = 0;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (!this.inFrame) {
        const soi = this.buf.indexOf(SOI, pos);
        if (soi < 0) {
          // Keep a trailing 0xFF: it may start the next SOI.
          const keep = this.buf.length > 0 && this.buf[this.buf.length - 1] === 0xff ? 1 : 0;
          this.garbageBytes += this.buf.length - pos - keep;
          pos = this.buf.length - keep;
          break;
        }
        this.garbageBytes += soi - pos;
        pos = soi;
        this.inFrame = true;
      }
      const eoi = this.buf.indexOf(EOI, pos + 2);
      if (eoi < 0) break;
      this.push(Buffer.from(this.buf.subarray(pos, eoi + 2)));
      pos = eoi + 2;
      this.inFrame = false;
    }
    this.buf = this.buf.subarray(pos);
    if (this.buf.length > MAX_FRAME_BYTES) {
      this.garbageBytes += this.buf.length;
      this.buf = Buffer.alloc(0);
      this.inFrame = false;
    }
    done();
  }
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
