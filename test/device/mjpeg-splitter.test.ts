import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import test from 'node:test';
import sharp from 'sharp';
import { MjpegSplitter } from '../../device/sources/mjpeg-splitter.js';

async function jpeg(color: number): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 8, channels: 3, background: { r: color, g: 0, b: 0 } } }).jpeg().toBuffer();
}

async function split(chunks: Buffer[]): Promise<{ frames: Buffer[]; garbage: number }> {
  const splitter = new MjpegSplitter();
  const frames: Buffer[] = [];
  for await (const f of Readable.from(chunks).pipe(splitter)) frames.push(f as Buffer);
  return { frames, garbage: splitter.garbageBytes };
}

test('splits concatenated JPEGs however the bytes are chunked', async () => {
  const jpegs = await Promise.all([jpeg(10), jpeg(200), jpeg(90)]);
  const stream = Buffer.concat(jpegs);
  for (const size of [1, 2, 7, 100, stream.length]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
    const { frames, garbage } = await split(chunks);
    assert.equal(frames.length, 3, `chunk size ${size}`);
    frames.forEach((f, i) => assert.ok(f.equals(jpegs[i]!)));
    assert.equal(garbage, 0);
  }
});

test('bytes between frames are counted as garbage, and frames still decode', async () => {
  const [a, b] = await Promise.all([jpeg(1), jpeg(2)]);
  const { frames, garbage } = await split([Buffer.from('junk'), a!, Buffer.from([0, 1, 2]), b!]);
  assert.equal(frames.length, 2);
  assert.equal(garbage, 7);
  const meta = await sharp(frames[1]!).metadata();
  assert.equal(meta.width, 16);
});
