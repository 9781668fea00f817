import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ArgusError } from '../../models/errors.js';
import { log } from '../log.js';
import type { Topics } from './topics.js';

export interface BrokerConnection {
  /** mqtt://, mqtts://, ws:// or wss:// URL. */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM files for TLS: a private CA, and a client certificate and key. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Refuse brokers whose certificate does not verify (default true). */
  rejectUnauthorized?: boolean;
}

export interface PublisherOptions {
  connection: BrokerConnection;
  topics: Topics;
  /** Retained payload the broker publishes on `status` when the device vanishes. */
  willPayload: string;
  /** Non-retained messages kept while the broker is away; the oldest go first. */
  queueSize: number;
  /** First reconnect delay; doubles to `maxReconnectMs` while the broker stays away. */
  reconnectMs?: number;
  maxReconnectMs?: number;
}

interface Pending {
  topic: string;
  payload: string | Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/**
 * The device's MQTT connection. While the broker is away, retained topics keep only their latest
 * value and everything else waits in a bounded queue (oldest dropped and counted); on reconnect
 * both are flushed. Reconnects back off exponentially.
 */
export class MqttPublisher extends EventEmitter<{ connect: []; offline: []; command: [topic: string, payload: Buffer] }> {
  private client: MqttClient | null = null;
  private readonly queue: Pending[] = [];
  private readonly retained = new Map<string, Pending>();
  private readonly baseDelay: number;
  private readonly maxDelay: number;
  /** Messages dropped from the full queue since start. */
  dropped = 0;

  constructor(private readonly opts: PublisherOptions) {
    super();
    this.baseDelay = opts.reconnectMs ?? 1000;
    this.maxDelay = opts.maxReconnectMs ?? 30_000;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get queued(): number {
    return this.queue.length + this.retained.size;
  }

  start(): void {
    const c = this.opts.connection;
    const options: IClientOptions = {
      clientId: c.clientId,
      clean: true,
      reconnectPeriod: this.baseDelay,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: { topic: this.opts.topics.status, payload: Buffer.from(this.opts.willPayload), qos: 1, retain: true },
    };
    if (c.username !== undefined) options.username = c.username;
    if (c.password !== undefined) options.password = c.password;
    if (c.ca) options.ca = readPem(c.ca, 'broker.ca');
    if (c.cert) options.cert = readPem(c.cert, 'broker.cert');
    if (c.key) options.key = readPem(c.key, 'broker.key');
    if (c.rejectUnauthorized !== undefined) options.rejectUnauthorized = c.rejectUnauthorized;

    const client = mqtt.connect(c.url, options);
    this.client = client;
    client.on('connect', () => {
      client.options.reconnectPeriod = this.baseDelay;
      log.info({ broker: c.url }, 'connected to MQTT broker');
      client.subscribe(this.opts.topics.commands, { qos: 1 }, (err) => {
        if (err) log.error({ topic: this.opts.topics.commands }, `cannot subscribe to commands: ${err.message}`);
      });
      this.emit('connect');
      this.flush();
    });
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min(this.maxDelay, (client.options.reconnectPeriod ?? this.baseDelay) * 2);
    });
    client.on('offline', () => {
      log.warn({ broker: c.url, retryInMs: client.options.reconnectPeriod }, 'MQTT broker unreachable; queueing');
      this.emit('offline');
    });
    client.on('error', (err) => log.warn({ broker: c.url }, `MQTT: ${err.message}`));
    client.on('message', (topic, payload) => this.emit('command', topic, payload));
  }

  publish(topic: string, payload: string | Buffer, qos: 0 | 1 | 2, retain = false): void {
    const msg: Pending = { topic, payload, qos, retain };
    if (this.connected) {
      this.send(msg);
      return;
    }
    if (retain) {
      this.retained.set(topic, msg);
      return;
    }
    this.queue.push(msg);
    if (this.queue.length > this.opts.queueSize) {
      this.queue.shift();
      this.dropped++;
    }
  }

  private send(m: Pending): void {
    this.client!.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (err) log.debug({ topic: m.topic }, `publish failed: ${err.message}`);
    });
  }

  private flush(): void {
    for (const m of this.retained.values()) this.send(m);
    this.retained.clear();
    while (this.queue.length && this.connected) this.send(this.queue.shift()!);
  }

  /** Publishes `last` (the offline status), waits for it to be sent, then disconnects. */
  async stop(last?: { topic: string; payload: string }): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    if (last && client.connected) {
      await client.publishAsync(last.topic, last.payload, { qos: 1, retain: true }).catch(() => undefined);
    }
    // Without a broker there is nothing to flush: close at once instead of waiting for it.
    await client.endAsync(!client.connected);
  }
}

function readPem(file: string, field: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ArgusError(`config field '${field}': cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}
