import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import '../../models/families/index.js';
import { ManifestError } from '../../models/errors.js';
import { readManifest, validateManifest, type ManifestInput } from '../../models/manifest.js';

export function goodManifest(): ManifestInput {
  return {
    schemaVersion: 1,
    name: 'tiny',
    family: 'nanodet',
    labels: ['a', 'b'],
    input: { name: 'images', width: 320, height: 320, layout: 'NCHW' },
    preprocess: { color: 'BGR', mean: [1, 2, 3], std: [4, 5, 6], letterbox: 'center', pad: 0, resize: 'linear' },
    head: { bins: 11 },
    files: { fp32: { file: 'model.onnx', sha256: 'a'.repeat(64) } },
  };
}

function fails(mutate: (m: Record<string, any>) => void, field: string, message: RegExp) {
  const m = structuredClone(goodManifest()) as Record<string, any>;
  mutate(m);
  assert.throws(
    () => validateManifest(m, '/x/model.json'),
    (e: unknown) => e instanceof ManifestError && e.field === field && message.test(e.message) && e.message.startsWith('/x/model.json: '),
  );
}

test('a good manifest gets defaults for postprocess, precision and head', () => {
  const m = validateManifest(goodManifest(), 'model.json');
  assert.equal(m.precision, 'fp32');
  assert.deepEqual(m.postprocess, { scoreThreshold: 0.35, iouThreshold: 0.45, maxDetections: 100 });
  assert.deepEqual(m.head, { strides: [8, 16, 32], bins: 11, gridCenter: 'cell-center', scoreActivation: 'none' });
});

test('validation failures name the field', () => {
  fails((m) => delete m.labels, 'labels', /expected array/i);
  fails((m) => (m.labels = []), 'labels', /too small|>=1/i);
  fails((m) => (m.labels = ['a', 'a']), 'labels', /unique/);
  fails((m) => (m.input.width = -3), 'input.width', /too small|>0/i);
  fails((m) => (m.input.layout = 'NHWC'), 'input.layout', /NCHW/);
  fails((m) => (m.preprocess.color = 'GBR'), 'preprocess.color', /RGB|BGR/);
  fails((m) => (m.preprocess.std = [1, 0, 1]), 'preprocess.std', /must not be 0/);
  fails((m) => (m.preprocess.mean = [1, 2]), 'preprocess.mean', /.+/);
  fails((m) => (m.files.fp32.sha256 = 'xyz'), 'files.fp32.sha256', /64 lowercase hex/);
  fails((m) => (m.files.fp32.file = '../evil.onnx'), 'files.fp32.file', /beside model.json/);
  fails((m) => (m.family = 'yolo9000'), 'family', /Should be one of: nanodet, yolov8, yolox/);
  fails((m) => (m.head.bins = 0), 'head.bins', /too small|>=1/i);
  fails((m) => (m.head.gridCenter = 'middle'), 'head.gridCenter', /cell-center/);
  fails((m) => (m.head.binz = 3), 'head', /binz/);
  fails((m) => (m.extra = true), '', /extra/);
  fails((m) => (m.precision = 'int4'), 'precision', /fp32|int8/);
});

test('unreadable and non-JSON manifests name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argus-manifest-'));
  assert.throws(() => readManifest(join(dir, 'missing.json')), /missing\.json: cannot read manifest \(ENOENT\)/);
  const bad = join(dir, 'model.json');
  writeFileSync(bad, '{"name": ');
  assert.throws(() => readManifest(bad), (e: unknown) => e instanceof ManifestError && /model\.json: not valid JSON/.test(e.message));
});
