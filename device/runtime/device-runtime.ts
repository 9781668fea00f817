import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir, projectRoot } from '../../models/paths.js';
import { ModelStore } from '../../models/store.js';
import type { Config } from '../config/schema.js';
import type { Detector } from '../detect/detector.js';
import { hideCredentials, HttpServer, type DeviceInfo } from '../http/index.js';
import { log } from '../log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded-broker.js';
import { discoveryMessages } from '../mqtt/homeassistant.js';
import type { StatsPayload, StatusPayload } from '../mqtt/payloads.js';
import { MqttPublisher } from '../mqtt/publisher.js';
import { Topics } from '../mqtt/topics.js';
import { DetectionPipeline, type FrameResult } from '../pipeline/index.js';
import { createSource } from '../sources/index.js';
import { handleCommand } from './command-handler.js';
import { openDetector, type ModelChoice } from './open-detector.js';
import { detectionsPayload, LabelCounts, statsPayload } from './payload-builders.js';

const VERSION = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The device's main job: camera → detector → MQTT. `start` brings the parts up in order,
 * `stop` (SIGINT/SIGTERM) finishes the frame in flight, publishes `offline` and closes everything.
 */
export class DeviceRuntime {
  private broker: EmbeddedBroker | null = null;
  private http: HttpServer | null = null;
  private publisher!: MqttPublisher;
  private pipeline!: DetectionPipeline;
  private detector!: Detector;
  private statsTimer: NodeJS.Timeout | null = null;
  private latest: FrameResult | null = null;
  private readonly counts = new LabelCounts();
  private readonly topics: Topics;
  private readonly started = new Date().toISOString();
  private readonly modelChoice: ModelChoice;
  /** URL of the broker in use (the embedded one's when it runs). */
  brokerUrl = '';

  constructor(readonly config: Config) {
    this.topics = new Topics(config.mqtt.prefix, config.deviceId);
    this.modelChoice = { model: config.model, precision: config.precision, threads: config.threads, threshold: config.threshold };
  }

  async start(): Promise<void> {
    const c = this.config;
    const store = new ModelStore(modelsDir(c.modelsDir));
    this.detector = await openDetector(store, this.modelChoice);
    const d = this.detector;
    const threads = d.threads === undefined ? 'onnxruntime default threads' : `${d.threads} inference thread${d.threads > 1 ? 's' : ''}`;
    log.info(`model ${d.manifest.name} (${d.precision}, ${d.manifest.family}, ${d.manifest.input.width}x${d.manifest.input.height}, ${threads})`);

    // Before the broker, so a port already in use fails the start before anything else is open.
    if (c.http.enabled) {
      this.http = new HttpServer(c.http, { info: () => this.info(), stats: () => this.currentStats() });
      await this.http.listen();
      log.info(`web page on ${this.http.urls().join(' ')}`);
    }

    if (c.broker.url === 'embedded') {
      this.broker = await startEmbeddedBroker(c.broker.host, c.broker.port);
      log.info(`embedded MQTT broker on ${this.broker.url} (try: argus watch --broker ${this.broker.url})`);
    }
    this.brokerUrl = this.broker?.url ?? c.broker.url;
    this.publisher = new MqttPublisher({
      connection: {
        url: this.brokerUrl,
        clientId: c.broker.clientId ?? `argus-${c.deviceId}`,
        ...(c.broker.username === undefined ? {} : { username: c.broker.username }),
        ...(c.broker.password === undefined ? {} : { password: c.broker.password }),
        ...(c.broker.ca ? { ca: c.broker.ca } : {}),
        ...(c.broker.cert ? { cert: c.broker.cert } : {}),
        ...(c.broker.key ? { key: c.broker.key } : {}),
        rejectUnauthorized: c.broker.rejectUnauthorized,
      },
      topics: this.topics,
      willPayload: JSON.stringify(this.status('offline')),
      queueSize: c.mqtt.queueSize,
    });
    this.publisher.on('connect', () => this.announce());
    this.publisher.on('command', (topic, payload) => {
      void handleCommand(
        {
          topics: this.topics,
          publisher: this.publisher,
          pipeline: this.pipeline,
          store,
          modelChoice: this.modelChoice,
          latest: () => this.latest,
          onModelChanged: (d) => {
            this.detector = d;
            this.announce();
          },
        },
        topic,
        payload,
      );
    });
    this.publisher.start();

    const source = createSource(c.source, c.camera);
    log.info(`source ${source.name}`);
    this.pipeline = new DetectionPipeline(source, this.detector, {
      ...(c.threshold === undefined ? {} : { scoreThreshold: c.threshold }),
      ...(c.labels ? { labels: c.labels } : {}),
      tracker: c.tracking,
    });
    this.pipeline.on('result', (r) => this.onResult(r));
    this.pipeline.on('track', (e) => this.publisher.publish(this.topics.events, JSON.stringify(e), c.mqtt.qos.events));
    this.pipeline.start();
    this.statsTimer = setInterval(() => void this.publishStats(), c.mqtt.statsIntervalS * 1000);
    this.statsTimer.unref();
  }

  /** Resolves when a finite source (a video played once) has been processed to its end. */
  ended(): Promise<void> {
    return new Promise((resolve) => this.pipeline.once('end', () => resolve()));
  }

  private status(state: 'online' | 'offline'): StatusPayload {
    return {
      state,
      model: this.detector?.manifest.name ?? this.config.model,
      precision: this.detector?.precision ?? this.config.precision,
      source: this.config.source,
      version: VERSION,
      started: this.started,
    };
  }

  /** Status online and Home Assistant discovery, on every (re)connect. */
  private announce(): void {
    const c = this.config;
    this.publisher.publish(this.topics.status, JSON.stringify(this.status('online')), c.mqtt.qos.status, true);
    if (!c.mqtt.homeAssistant.enabled) return;
    const labels = c.mqtt.homeAssistant.labels.filter((l) => this.detector.manifest.labels.includes(l));
    for (const m of discoveryMessages({ topics: this.topics, discoveryPrefix: c.mqtt.homeAssistant.prefix, labels, version: VERSION, model: this.detector.manifest.name })) {
      this.publisher.publish(m.topic, m.payload, 1, true);
    }
  }

  private onResult(r: FrameResult): void {
    this.latest = r;
    this.http?.update(r);
    const c = this.config;
    if (r.detections.length || c.mqtt.publishEmpty) {
      this.publisher.publish(this.topics.detections, JSON.stringify(detectionsPayload(r)), c.mqtt.qos.detections);
    }
    for (const [label, n] of this.counts.update(r.detections.map((d) => d.label))) {
      this.publisher.publish(this.topics.count(label), String(n), c.mqtt.qos.status, true);
    }
  }

  private async publishStats(): Promise<void> {
    const payload = (await this.currentStats())!;
    this.publisher.publish(this.topics.stats, JSON.stringify(payload), 0, true);
  }

  /** The stats payload now; null until the pipeline runs (the web page can ask earlier). */
  private async currentStats(): Promise<StatsPayload | null> {
    if (!this.pipeline || !this.publisher) return null;
    const snapshot = await this.pipeline.stats();
    return statsPayload(snapshot, { connected: this.publisher.connected, queued: this.publisher.queued, dropped: this.publisher.dropped });
  }

  /** Who this device is and what it runs, for the web page and its metrics. */
  private info(): DeviceInfo {
    const m = this.detector.manifest;
    return {
      device_id: this.config.deviceId,
      version: VERSION,
      source: hideCredentials(this.config.source),
      started: this.started,
      model: { name: m.name, family: m.family, precision: this.detector.precision, input: { w: m.input.width, h: m.input.height }, labels: m.labels.length },
    };
  }

  async stop(): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    await this.pipeline?.stop();
    await this.http?.close();
    await this.publisher?.stop({ topic: this.topics.status, payload: JSON.stringify(this.status('offline')) });
    await this.broker?.close();
    await this.detector?.close();
  }
}
