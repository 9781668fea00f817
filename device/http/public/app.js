// The device page: the live view is a plain <img> on the MJPEG stream; everything else is polled
// JSON from the same device. No framework, no build step, relative URLs (works behind a proxy path).
'use strict';

const $ = (id) => document.getElementById(id);
const STAGES = ['decode', 'pre', 'infer', 'post', 'total'];
let palette = ['#00c2ff'];
let windowS = 10;

function el(tag, props = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'vars') for (const [name, value] of Object.entries(v)) e.style.setProperty(name, value);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}

async function getJson(path) {
  const r = await fetch(path, { cache: 'no-store' });
  return { ok: r.ok, status: r.status, body: await r.json() };
}

/** Runs `fn` now and every `ms` after it settles, so a slow device never gets piled-up requests. */
function every(ms, fn) {
  const tick = async () => {
    try {
      await fn();
    } catch {
      // The device restarting or the phone off the network: the next tick tries again.
    }
    setTimeout(tick, document.hidden ? Math.max(ms, 5000) : ms);
  };
  tick();
}

const fmt = {
  ms: (x) => (x == null ? '–' : x < 10 ? x.toFixed(1) : x.toFixed(0)),
  int: (x) => (x == null ? '–' : Math.round(x).toLocaleString('en')),
  time: (ts) => new Date(ts).toLocaleTimeString([], { hour12: false }),
  uptime(s) {
    if (s == null) return '–';
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return d ? `${d}d ${h}h` : h ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s % 60).padStart(2, '0')}s`;
  },
};

// --- live view --------------------------------------------------------------------------------

function startLive() {
  const img = $('live');
  const lost = $('live-lost');
  let retry = null;
  const connect = () => {
    img.src = `stream.mjpeg?t=${Date.now()}`;
  };
  img.addEventListener('load', () => (lost.hidden = true));
  img.addEventListener('error', () => {
    lost.hidden = false;
    clearTimeout(retry);
    retry = setTimeout(connect, 2000);
  });
  // A hidden tab (phone locked, other app) needs no video: drop the stream, resume when back.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) img.removeAttribute('src');
    else connect();
  });
}

// --- detections -------------------------------------------------------------------------------

function renderDetections(p) {
  $('frame-no').textContent = `frame #${p.frame}`;
  $('frame-size').textContent = `${p.image.w}×${p.image.h}`;
  // The frame box takes the camera's shape, so the picture fills it without bars.
  $('live').parentElement.style.aspectRatio = `${p.image.w} / ${p.image.h}`;
  $('frame-time').textContent = fmt.time(p.ts_capture);
  $('det-count').textContent = String(p.detections.length);

  const counts = new Map();
  for (const d of p.detections) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
  $('counts').replaceChildren(
    ...[...counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => el('li', {}, [el('b', { textContent: `${n}×` }), ` ${label}`])),
  );

  const rows = [...p.detections]
    .sort((a, b) => b.score - a.score)
    .map((d) => {
      const color = palette[d.class_id % palette.length];
      const [x1, y1, x2, y2] = d.box;
      return el('li', { title: `box ${Math.round(x1)},${Math.round(y1)} – ${Math.round(x2)},${Math.round(y2)}`, vars: { '--c': color } }, [
        el('span', { className: 'swatch' }),
        el('span', { className: 'det-label', textContent: d.label }),
        el('span', { className: 'det-track', textContent: d.track_id == null ? '' : `#${d.track_id}` }),
        el('span', { className: 'bar-bg' }, [el('span', { className: 'bar-fg', vars: { '--w': `${Math.round(d.score * 100)}%` } })]),
        el('span', { className: 'det-score', textContent: `${Math.round(d.score * 100)}%` }),
      ]);
    });
  $('detections').replaceChildren(...(rows.length ? rows : [el('li', { className: 'empty', textContent: 'nothing detected in this frame' })]));
}

async function pollDetections() {
  const { ok, body } = await getJson('api/detections');
  if (ok) renderDetections(body);
}

// --- stats, health, model ---------------------------------------------------------------------

function tile(label, value, cls = '') {
  return el('div', { className: cls }, [el('dt', { textContent: label }), el('dd', { textContent: value })]);
}

function renderStats(s) {
  const f = s.frames;
  const throttled = s.throttling && Object.values(s.throttling.now).some(Boolean);
  const tiles = [
    tile('fps', s.fps.toFixed(1), 'good'),
    tile('processed', fmt.int(f.processed)),
    // Dropped frames are normal when the camera is faster than inference: not a warning.
    tile('dropped', fmt.int(f.dropped)),
    tile('corrupt', fmt.int(f.corrupt), f.corrupt ? 'warn' : ''),
    tile('failed', fmt.int(f.failed), f.failed ? 'bad' : ''),
    tile('restarts', fmt.int(f.restarts), f.restarts ? 'warn' : ''),
    tile('cpu temp', s.cpu_temp_c == null ? '–' : `${s.cpu_temp_c.toFixed(1)} °C`, s.cpu_temp_c >= 80 ? 'bad' : s.cpu_temp_c >= 70 ? 'warn' : ''),
    tile('memory', `${Math.round(s.memory_mb.rss)} MB`),
    tile('mqtt', s.mqtt.connected ? 'online' : 'offline', s.mqtt.connected ? 'good' : 'bad'),
    tile('uptime', fmt.uptime(s.uptime_s)),
  ];
  if (s.throttling) tiles.push(tile('throttling', throttled ? 'throttled' : 'none', throttled ? 'bad' : 'good'));
  $('tiles').replaceChildren(...tiles);
  $('latency').replaceChildren(
    ...STAGES.map((stage) => {
      const p = s.latency_ms[stage];
      return el('tr', { className: stage }, [
        el('td', { textContent: stage === 'total' ? 'capture → result' : stage }),
        el('td', { textContent: fmt.ms(p?.p50) }),
        el('td', { textContent: fmt.ms(p?.p95) }),
        el('td', { textContent: fmt.ms(p?.p99) }),
      ]);
    }),
  );
}

async function pollStats() {
  const { ok, body } = await getJson('api/stats');
  if (ok) renderStats(body);
}

async function pollHealth() {
  const pill = $('health');
  try {
    const { body } = await getJson('healthz');
    const ok = body.status === 'ok';
    pill.className = `pill ${ok ? 'ok' : 'bad'}`;
    pill.textContent = ok ? 'live' : 'stalled';
    pill.title = ok ? `latest frame ${body.last_frame_age_s} s ago` : body.reason;
  } catch {
    pill.className = 'pill wait';
    pill.textContent = 'unreachable';
    pill.title = 'the device does not answer';
    throw new Error('unreachable');
  }
}

async function pollInfo() {
  const { ok, body } = await getJson('api/info');
  if (!ok) return;
  palette = body.palette;
  windowS = body.health_window_s;
  $('device').textContent = body.device_id;
  document.title = `argus · ${body.device_id}`;
  const m = body.model;
  const rows = [
    ['name', m.name],
    ['family', m.family],
    ['precision', m.precision],
    ['input', `${m.input.w}×${m.input.h}`],
    ['labels', String(m.labels)],
    ['source', body.source],
    ['version', body.version],
    ['started', new Date(body.started).toLocaleString([], { hour12: false })],
    ['healthy', `a frame in the last ${windowS} s`],
  ];
  $('model').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { textContent: k }), el('dd', { textContent: v })]));
}

startLive();
every(10000, pollInfo);
every(500, pollDetections);
every(2000, pollStats);
every(2000, pollHealth);
