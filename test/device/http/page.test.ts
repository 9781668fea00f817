import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { HttpServer } from '../../../device/http/index.js';
import { httpOptionsSchema } from '../../../device/http/options.js';
import type { FrameResult } from '../../../device/pipeline/index.js';
import { projectRoot } from '../../../models/paths.js';
import { DeviceProcess } from '../../helpers/device-process.js';
import { freePort, waitFor } from '../../helpers/mosquitto.js';
import { sharedPath } from '../../helpers/shared.js';
import { storeWith } from '../../helpers/store.js';

/** Debian's chromium (scripts/setup.sh installs it); no browser is downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(projectRoot(), 'test-artifacts', 'device-http');
const MISSING = `${CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh does) to run the browser tests`;

/** Headless Chromium with a new empty profile, closed and removed after the test. */
async function launch(t: { after: (fn: () => Promise<void>) => void }): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'argus-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 860 } });
  t.after(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return browser;
}

test('the web page in headless Chromium: the live view changes, detections fill, stats and model show; screenshots kept', async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(MISSING);
  if (!sharedPath(t, 'models', 'yolox_nano.onnx')) return;
  const store = await storeWith('yolox_nano');
  const httpPort = await freePort();
  const device = DeviceProcess.start(
    ['--source', 'demo', '--broker-port', String(await freePort()), '--http-port', String(httpPort), '--device-id', 'web', '--model', 'yolox_nano', '--precision', 'fp32'],
    { ARGUS_MODELS: store.dir, ARGUS_CONFIG: undefined },
  );
  t.after(() => device.stop('SIGKILL'));
  const fail = (what: string) => `${what}\n--- device output ---\n${device.output.slice(-3000)}`;
  const url = `http://127.0.0.1:${httpPort}/`;
  await waitFor(async () => (await fetch(`${url}healthz`).catch(() => null))?.ok, 60_000, fail('/healthz 200'));

  const browser = await launch(t);
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));

  await page.goto(url);
  await page.waitForFunction('document.title === "argus · web"', undefined, { timeout: 15_000 });

  // The live view: an image that loads and changes (the demo shows a new photo every few seconds).
  const live = page.locator('#live');
  await page.waitForFunction('document.getElementById("live").naturalWidth > 0', undefined, { timeout: 15_000 });
  const firstShot = await live.screenshot();
  const firstFrame = await page.locator('#frame-no').textContent();
  await waitFor(async () => !(await live.screenshot()).equals(firstShot), 20_000, fail('the live image to change'));
  await waitFor(async () => (await page.locator('#frame-no').textContent()) !== firstFrame, 5_000, 'the frame counter to move');
  assert.match((await page.locator('#frame-no').textContent())!, /^frame #\d+$/);

  // The detections list fills with labelled, scored rows.
  const rows = page.locator('#detections li:not(.empty)');
  await rows.first().waitFor({ timeout: 20_000 });
  const row = (await rows.first().innerText()).replace(/\s+/g, ' ');
  assert.match(row, /^[a-z ]+ (#\d+ )?\d+%$/, `a detection row: '${row}'`);
  assert.ok(Number(await page.locator('#det-count').textContent()) >= 1);

  // Stats, health and the model.
  await waitFor(async () => /fps\s*[1-9]|fps\s*0\.[1-9]/i.test(await page.locator('#tiles').innerText()), 10_000, 'fps on the page');
  const tiles = await page.locator('#tiles').innerText();
  for (const name of ['processed', 'dropped', 'cpu temp', 'memory', 'mqtt']) assert.match(tiles, new RegExp(name, 'i'));
  assert.match(await page.locator('#latency').innerText(), /infer\s+\d/);
  assert.equal(await page.locator('#health').textContent(), 'live');
  const model = await page.locator('#model').innerText();
  assert.match(model, /yolox_nano/);
  assert.match(model, /fp32/);
  assert.match(model, /416×416/);

  mkdirSync(ARTIFACTS, { recursive: true });
  const desktop = join(ARTIFACTS, 'page-desktop.png');
  await page.screenshot({ path: desktop });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(700);
  assert.ok((await page.evaluate('document.documentElement.scrollWidth')) as number <= 390, 'nothing wider than a phone');
  const phone = join(ARTIFACTS, 'page-phone.png');
  await page.screenshot({ path: phone, fullPage: true });
  t.diagnostic(`screenshot: ${desktop}`);
  t.diagnostic(`screenshot: ${phone}`);

  assert.deepEqual(problems, [], 'no script errors or failed requests');
});

test('the live view in Chromium shows the newest frame, not the one before (multipart framing)', async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(MISSING);
  const demo = (name: string) => readFileSync(join(projectRoot(), 'device', 'demo', name));
  const result = (seq: number, jpeg: Buffer): FrameResult => ({
    seq,
    ts_capture: Date.now(),
    image: { w: 0, h: 0 },
    model: { name: 'fake', precision: 'fp32' },
    detections: [],
    timing_ms: { decode: 0, pre: 0, infer: 0, post: 0 },
    jpeg,
  });
  const info = { device_id: 'x', version: '0', source: 'demo', started: '', model: { name: 'fake', family: 'yolox', precision: 'fp32' as const, input: { w: 416, h: 416 }, labels: 80 } };
  const server = new HttpServer(httpOptionsSchema.parse({ port: 0, host: '127.0.0.1' }), { info: () => info, stats: async () => null });
  await server.listen();
  t.after(() => server.close());
  server.update(result(1, demo('chelsea.jpg')));

  const page = await (await launch(t)).newPage();
  await page.goto(`http://127.0.0.1:${server.port}/`);
  const width = () => page.evaluate('document.getElementById("live").naturalWidth') as Promise<number>;
  await waitFor(async () => (await width()) === 451, 10_000, 'the first frame (451 px wide)');
  // One more frame and then nothing, as from a camera that stops: it must still be shown.
  server.update(result(2, demo('coffee.jpg')));
  await waitFor(async () => (await width()) === 600, 5_000, 'the last frame (600 px wide) on screen');
});
