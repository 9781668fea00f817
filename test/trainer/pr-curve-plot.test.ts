import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { evaluateDetections } from '../../trainer/eval/coco-map.js';
import { escapeXml, prCurveSvg, writePrCurvePng, type PrPlotInput } from '../../trainer/eval/pr-curve-plot.js';

const tmp = mkdtempSync(join(tmpdir(), 'argus-pr-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Three classes; names that would break XML if they were not escaped. */
function plotInput(): PrPlotInput {
  const labels = ['cat & dog', '<person>', 'a "quoted" \'label\''];
  const r = evaluateDetections(
    [
      {
        gt: [{ classId: 0, box: [0, 0, 10, 10] }, { classId: 1, box: [20, 0, 30, 10] }, { classId: 2, box: [40, 0, 50, 10] }],
        dets: [
          { classId: 0, box: [0, 0, 10, 10], score: 0.9 },
          { classId: 1, box: [20, 0, 30, 8], score: 0.8 },
          { classId: 2, box: [60, 0, 70, 10], score: 0.7 },
        ],
      },
    ],
    3,
  );
  return { ...r, per_class: r.perClass.map((c) => ({ class_id: c.classId, label: labels[c.classId], gt: c.gtCount })) };
}

test('writes a PNG of the requested size', async () => {
  const file = join(tmp, 'sub', 'pr.png');
  await writePrCurvePng(file, plotInput(), 'model <x> & "y"', { width: 700, height: 500 });
  const meta = await sharp(file).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 700);
  assert.equal(meta.height, 500);
  const stats = await sharp(file).stats();
  assert.ok(stats.channels.some((c) => c.min < 100), 'the plot should not be blank');
});

test('the SVG escapes text and names the mAP values', () => {
  const svg = prCurveSvg(plotInput(), 'model <x>', { legendClasses: 2 });
  assert.match(svg, /model &lt;x&gt;/);
  assert.match(svg, /cat &amp; dog/);
  assert.match(svg, /mAP@0\.5 0\.667, mAP@0\.5:0\.95/);
  assert.match(svg, /1 more classes/);
  assert.doesNotMatch(svg, /<person>/);
});

test('escapeXml', () => {
  assert.equal(escapeXml(`a<b>&"c"'d'\u0001`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
});

test('nothing to plot is an error', () => {
  assert.throws(() => prCurveSvg({ map50: 0, map50_95: 0, pr: [], per_class: [] }, 't'), /no precision-recall curves/);
});
