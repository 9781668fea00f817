import { get, type ClientRequest, type IncomingMessage } from 'node:http';

/** A viewer of a `multipart/x-mixed-replace` JPEG stream that checks the framing of every part. */
export class MjpegReader {
  /** Each frame, with its `seq` when made by `jpegWithSeq`. */
  readonly parts: { seq: number; jpeg: Buffer }[] = [];
  error: Error | null = null;
  private buf = Buffer.alloc(0);
  private boundary = '';
  private started = false;

  private constructor(
    readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    const m = /^multipart\/x-mixed-replace;\s*boundary=(\S+)$/.exec(res.headers['content-type'] ?? '');
    if (!m) throw new Error(`not an MJPEG stream: ${res.headers['content-type']}`);
    this.boundary = `--${m[1]}\r\n`;
    res.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      try {
        this.parse();
      } catch (e) {
        this.error = e as Error;
        res.destroy();
      }
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<MjpegReader> {
    return new Promise((resolve, reject) => {
      const req = get(url, { headers }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`${url}: HTTP ${res.statusCode}`));
        try {
          resolve(new MjpegReader(req, res));
        } catch (e) {
          reject(e as Error);
        }
      });
      req.on('error', reject);
    });
  }

  /** Resolves when the server ends the stream. */
  ended(): Promise<void> {
    return new Promise((resolve) => (this.res.closed ? resolve() : this.res.once('close', () => resolve())));
  }

  close(): void {
    this.req.destroy();
  }

  private parse(): void {
    if (!this.started) {
      if (this.buf.length < this.boundary.length) return;
      if (this.buf.subarray(0, this.boundary.length).toString() !== this.boundary) throw new Error('the stream does not start with its boundary');
      this.buf = this.buf.subarray(this.boundary.length);
      this.started = true;
    }
    // A part: its headers, a blank line, the JPEG, then CRLF and the boundary of the next part.
    for (;;) {
      const headEnd = this.buf.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = this.buf.subarray(0, headEnd).toString();
      if (!/^Content-Type: image\/jpeg$/im.test(head)) throw new Error(`bad part header: ${head}`);
      const start = headEnd + 4;
      const end = this.buf.indexOf(`\r\n${this.boundary}`, start);
      if (end < 0) return;
      const jpeg = Buffer.from(this.buf.subarray(start, end));
      if (jpeg.subarray(0, 2).toString('hex') !== 'ffd8' || jpeg.subarray(-2).toString('hex') !== 'ffd9') throw new Error('a part is not a whole JPEG');
      this.parts.push({ seq: jpegSeq(jpeg), jpeg });
      this.buf = this.buf.subarray(end + 2 + this.boundary.length);
    }
  }
}

/** A JPEG with a comment segment `seq=<n>` right after its start marker, so a test can tell frames apart. */
export function jpegWithSeq(jpeg: Buffer, seq: number, padding = 0): Buffer {
  const text = Buffer.from(`seq=${seq};`);
  const com = Buffer.alloc(4 + text.length);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(2 + text.length, 2);
  text.copy(com, 4);
  const pad = Buffer.alloc(padding, 0x20);
  return Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2, -2), pad, jpeg.subarray(-2)]);
}

/** The `seq` of `jpegWithSeq`; NaN for a JPEG without it. */
export function jpegSeq(jpeg: Buffer): number {
  return Number(/^seq=(\d+);/.exec(jpeg.subarray(6, 40).toString('latin1'))?.[1] ?? NaN);
}
