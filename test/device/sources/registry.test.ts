import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import sharp from 'sharp';
import {
  chooseAutoSource,
  createSource,
  demoSource,
  jpegProblem,
  parseSourceSpec,
  registerSource,
  sourceKinds,
} from '../../../device/sources/index.js';
import { ArgusError, DataError, UnknownKindError } from '../../../models/errors.js';
import { withPath } from './fake-camera.js';

test('specs split into kind and argument; URLs keep their whole text', () => {
  assert.deepEqual(parseSourceSpec('video:/tmp/a:b.mp4'), { kind: 'video', arg: '/tmp/a:b.mp4' });
  assert.deepEqual(parseSourceSpec('demo'), { kind: 'demo', arg: '' });
  assert.deepEqual(parseSourceSpec('rtsp://u:p@cam:554/s'), { kind: 'rtsp', arg: 'rtsp://u:p@cam:554/s' });
  assert.deepEqual(parseSourceSpec('v4l2:/dev/video2'), { kind: 'v4l2', arg: '/dev/video2' });
});

test('an unknown kind lists the valid ones; a duplicate kind is refused', () => {
  assert.throws(
    () => createSource('webcam:0'),
    (e: Error) => e instanceof UnknownKindError && e.message === `unknown camera source 'webcam'. Should be one of: ${sourceKinds().join(', ')}`,
  );
  assert.deepEqual(sourceKinds(), ['auto', 'demo', 'images', 'libcamera', 'rtsp', 'rtsps', 'v4l2', 'video']);
  assert.throws(() => registerSource(demoSource), /camera source 'demo' is registered twice/);
});

test('bad options name their field; bad arguments name the spec and the file', () => {
  assert.throws(() => createSource('demo', { fps: 0 }), (e: Error) => e instanceof ArgusError && /options of source 'demo': field 'fps'/.test(e.message));
  assert.throws(() => createSource('demo', { fsp: 5 } as never), /unknown field 'fsp' \(valid: width, height, fps/);
  assert.throws(() => createSource('demo', { backoff: { initialMs: 100, maxMs: 10 } }), /field 'backoff\.maxMs': maxMs must not be below initialMs/);
  assert.throws(() => createSource('video:/no/such.mp4'), (e: Error) => e instanceof DataError && e.message.startsWith('/no/such.mp4: no such video file'));
  assert.throws(() => createSource('video:'), /write the source as 'video:<file>'/);
  assert.throws(() => createSource('v4l2:/dev/video99'), /\/dev\/video99: no such video device/);
  assert.throws(() => createSource('images:/no/such/folder'), /\/no\/such\/folder: no such folder \(camera source images:<folder>\)/);
  const empty = mkdtempSync(join(tmpdir(), 'argus-empty-'));
  assert.throws(() => createSource(`images:${empty}`), /no images in folder/);
  assert.throws(() => createSource('demo:x'), /demo takes no argument/);
  assert.throws(() => createSource('rtsp://'), /not a valid stream URL/);
});

test('an RTSP source does not show the camera password in its name', () => {
  assert.equal(createSource('rtsp://admin:secret@cam.local:554/stream1').name, 'rtsp://admin:***@cam.local:554/stream1');
});

test('libcamera without rpicam-vid or libcamera-vid on PATH is a clear error', async () => {
  await withPath(mkdtempSync(join(tmpdir(), 'argus-empty-path-')), () => {
    assert.throws(() => createSource('libcamera'), /neither rpicam-vid nor libcamera-vid is on PATH/);
  });
});

test('auto prefers the Pi camera, then /dev/video0, then the demo photos', () => {
  const pick = (tool: string | null, video0: boolean) => {
    const c = chooseAutoSource({ libcameraTool: () => tool, exists: (p) => video0 && p === '/dev/video0' });
    return [c.plugin.kind, c.arg];
  };
  assert.deepEqual(pick('/usr/bin/rpicam-vid', true), ['libcamera', '']);
  assert.deepEqual(pick(null, true), ['v4l2', '/dev/video0']);
  assert.deepEqual(pick(null, false), ['demo', '']);
});

test('the JPEG check passes real frames and names what is wrong with damaged ones', async () => {
  // Noise, so that most of the file is scan data rather than header.
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
  assert.equal(jpegProblem(jpeg), null);
  assert.match(jpegProblem(Buffer.from('hello'))!, /no JPEG start marker/);
  assert.match(jpegProblem(jpeg.subarray(0, jpeg.length - 10))!, /no JPEG end marker/);
  assert.match(jpegProblem(Buffer.concat([jpeg.subarray(0, jpeg.length >> 1), jpeg]))!, /a second JPEG start at byte \d+: truncated frame/);
  assert.match(jpegProblem(Buffer.from([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]))!, /header: no segment marker at byte 2/);
  // A frame header that says 0x0 pixels.
  const zeroSize = Buffer.from(jpeg);
  const sof = zeroSize.indexOf(Buffer.from([0xff, 0xc0]));
  zeroSize.writeUInt16BE(0, sof + 5);
  assert.match(jpegProblem(zeroSize)!, /header: frame size 64x0/);
});
