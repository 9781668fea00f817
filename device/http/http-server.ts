import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ArgusError } from '../../models/errors.js';
import { classColor } from '../detect/annotate.js';
import { log } from '../log.js';
import type { FrameResult } from '../pipeline/index.js';
import { detectionsPayload } from '../runtime/payload-builders.js';
import { basicAuthOk, WWW_AUTHENTICATE, type Credentials } from './basic-auth.js';
import { health } from './health.js';
import { LabelTally } from './label-tally.js';
import { LiveFrames, type Annotate } from './live-frames.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';
import { MjpegStream } from './mjpeg-stream.js';
import type { HttpOptions } from './options.js';
import { StaticFiles } from './static-files.js';
import type { DeviceView } from './types.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};

export interface HttpServerDeps {
  /** Draws detections on a frame. Default: `annotateJpeg`. */
  annotate?: Annotate;
  /** Where the page's files are. Default: `device/http/public/` in the project root. */
  publicDir?: string;
}

/**
 * The device's web server: the page (live view, detections, stats, model), `/stream.mjpeg`,
 * `/snapshot.jpg`, `/api/{info,stats,detections}`, `/healthz` and `/metrics`. Node's own `http`;
 * basic auth on everything but `/healthz` when the config sets a user.
 */
export class HttpServer {
  private readonly server: Server;
  private readonly frames: LiveFrames;
  private readonly stream: MjpegStream;
  private readonly labels = new LabelTally();
  private readonly files: StaticFiles;
  private readonly credentials: Credentials | null;
  private readonly startedAt = Date.now();
  private lastFrameAt: number | null = null;
  private processed = 0;
  private readonly routes: Record<string, Handler> = {
    '/stream.mjpeg': (req, res) => (req.method === 'HEAD' ? void res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace' }).end() : this.stream.attach(res)),
    '/snapshot.jpg': (_req, res, url) => this.snapshot(res, url.searchParams.has('raw')),
    '/api/info': (_req, res) => sendJson(res, 200, { ...this.view.info(), health_window_s: this.opts.healthWindowS, palette: PALETTE }),
    '/api/stats': async (_req, res) => {
      const stats = await this.view.stats();
      sendJson(res, stats ? 200 : 503, stats ?? { error: 'the pipeline is starting' });
    },
    '/api/detections': (_req, res) => {
      const r = this.frames.latest;
      sendJson(res, r ? 200 : 503, r ? detectionsPayload(r) : { error: 'no frame processed yet' });
    },
    '/healthz': (_req, res) => {
      const h = health(this.lastFrameAt, this.processed, this.startedAt, this.opts.healthWindowS);
      sendJson(res, h.status === 'ok' ? 200 : 503, h);
    },
    '/metrics': async (_req, res) => {
      const mem = process.memoryUsage();
      const text = renderMetrics({
        info: this.view.info(),
        stats: await this.view.stats(),
        labels: this.labels,
        lastFrameAt: this.lastFrameAt,
        stream: { viewers: this.stream.viewerCount, skipped: this.stream.skipped },
        memory: { rss: mem.rss, heapUsed: mem.heapUsed },
      });
      send(res, 200, METRICS_CONTENT_TYPE, text);
    },
  };

  constructor(
    private readonly opts: HttpOptions,
    private readonly view: DeviceView,
    deps: HttpServerDeps = {},
  ) {
    this.frames = new LiveFrames(deps.annotate);
    this.stream = new MjpegStream(this.frames);
    this.files = new StaticFiles(deps.publicDir);
    if (this.files.error) log.error(`web page: ${this.files.error}; /healthz, /metrics and the API still answer`);
    this.credentials = opts.username !== undefined && opts.password !== undefined ? { username: opts.username, password: opts.password } : null;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Starts listening; a port in use or not allowed is an error that names it. */
  async listen(): Promise<void> {
    const { port, host } = this.opts;
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        const where = `${host}:${port}`;
        const fix = 'choose another with --http-port or http.port in the config, or turn the page off with --no-http';
        if (e.code === 'EADDRINUSE') reject(new ArgusError(`web page: port ${port} is already in use (${where}): ${fix}`, { cause: e }));
        else if (e.code === 'EACCES') reject(new ArgusError(`web page: no permission to listen on port ${port} (${where}; ports below 1024 need root): ${fix}`, { cause: e }));
        else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new ArgusError(`web page: host '${host}' is not an address of this machine (http.host)`, { cause: e }));
        else reject(new ArgusError(`web page: cannot listen on ${where}: ${e.message}`, { cause: e }));
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    // The runtime's own parts keep the process alive; if starting one of them fails, this must not.
    this.server.unref();
    this.server.on('error', (e) => log.error({ err: e }, 'web page server error'));
  }

  /** The port listened on (the one picked when the config says 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Addresses a browser on the network can use, for the log. */
  urls(): string[] {
    const { host } = this.opts;
    if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${this.port}/`];
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => `http://${a!.address}:${this.port}/`);
    return [`http://localhost:${this.port}/`, ...addresses.slice(0, 3)];
  }

  /** Each frame result of the pipeline. */
  update(result: FrameResult): void {
    this.lastFrameAt = Date.now();
    this.processed++;
    this.labels.update(result.detections.map((d) => d.label));
    this.frames.update(result);
  }

  /** Frames drawn so far, each at most once (for tests). */
  get annotations(): number {
    return this.frames.annotations;
  }

  /** Bytes waiting in Node for each live-view viewer (for tests of slow viewers). */
  viewerBuffers(): number[] {
    return this.stream.bufferedBytes();
  }

  /** Stops listening and ends every open connection, live streams included. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://device');
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad request URL\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', `method ${req.method} not allowed: GET or HEAD\n`);
    }
    if (url.pathname !== '/healthz' && this.credentials && !basicAuthOk(req.headers.authorization, this.credentials)) {
      res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
      return send(res, 401, 'text/plain; charset=utf-8', 'this device asks for a user and password (http.username and http.password in its config)\n');
    }
    try {
      const route = this.routes[url.pathname];
      if (route) return await route(req, res, url);
      const file = this.files.get(url.pathname);
      if (file) {
        res.setHeader('Cache-Control', 'no-cache');
        return send(res, 200, file.type, file.body);
      }
      if (url.pathname === '/' && this.files.error) return send(res, 500, 'text/plain; charset=utf-8', `${this.files.error}\n`);
      const known = ['/', ...Object.keys(this.routes)].join(', ');
      send(res, 404, 'text/plain; charset=utf-8', `not found: ${url.pathname}; this device serves ${known}\n`);
    } catch (e) {
      log.error({ err: e, path: url.pathname }, 'web page request failed');
      if (!res.headersSent) sendJson(res, 500, { error: (e as Error).message });
      else res.destroy();
    }
  }

  private async snapshot(res: ServerResponse, raw: boolean): Promise<void> {
    const latest = this.frames.latest;
    if (!latest) return sendJson(res, 503, { error: 'no frame processed yet' });
    const jpeg = raw ? latest.jpeg : (await this.frames.current())!.jpeg;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame', String(latest.seq));
    send(res, 200, 'image/jpeg', jpeg);
  }
}

/** Class colours as the live view draws them, so the page's list matches the boxes. */
const PALETTE = Array.from({ length: 20 }, (_, i) => classColor(i));

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
}
