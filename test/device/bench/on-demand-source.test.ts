import assert from 'node:assert/strict';
import test from 'node:test';
import { OnDemandSource } from '../../../device/bench/index.js';
import type { Frame } from '../../../device/sources/index.js';

/** The smallest buffer the sources' JPEG check passes: start, a frame header, a scan, end. */
function tinyJpeg(tag: number): Buffer {
  const sof = [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00];
  const sos = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  return Buffer.from([0xff, 0xd8, ...sof, ...sos, tag, 0xff, 0xd9]);
}

test('frames go out one per next(), looping from the offset; a corrupt one is counted and passed over; then end', () => {
  const frames = [tinyJpeg(0), Buffer.from('not a jpeg'), tinyJpeg(2)];
  const source = new OnDemandSource('test', frames, 4, 2);
  const got: number[] = [];
  let ended = 0;
  source.on('frame', (f: Frame) => got.push(f.jpeg.at(-3)!));
  source.on('end', () => ended++);
  source.start(); // offers the first frame
  for (let i = 0; i < 4; i++) source.next();
  assert.deepEqual(got, [2, 0, 2], 'frames 2, 0, then 2 again: the corrupt frame 1 is passed over and counted among the 4');
  assert.equal(source.stats().corrupt, 1);
  assert.equal(ended, 1, 'end once, however often next() is called after');
});
