import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ArgusError } from '../../models/errors.js';
import type { BrokerConnection } from '../mqtt/publisher.js';
import { Topics } from '../mqtt/topics.js';
import type { BenchReport } from './report.js';

/**
 * The bench's own MQTT connection. Not the device's MqttPublisher: that one sets a last will on
 * `status`, and a bench run beside a running device must not mark it offline when it exits.
 */
export class BenchPublisher {
  private constructor(
    private readonly client: MqttClient,
    readonly topics: Topics,
  ) {}

  /** Connects now, so a wrong broker fails before minutes of benchmarking. */
  static async connect(connection: Omit<BrokerConnection, 'clientId'>, prefix: string, deviceId: string): Promise<BenchPublisher> {
    const options: IClientOptions = {
      clientId: `argus-bench-${deviceId}-${process.pid}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    };
    if (connection.username !== undefined) options.username = connection.username;
    if (connection.password !== undefined) options.password = connection.password;
    for (const key of ['ca', 'cert', 'key'] as const) {
      const file = connection[key];
      if (!file) continue;
      try {
        options[key] = readFileSync(file);
      } catch (e) {
        throw new ArgusError(`broker.${key}: cannot read ${file} (${(e as Error).message})`, { cause: e });
      }
    }
    if (connection.rejectUnauthorized !== undefined) options.rejectUnauthorized = connection.rejectUnauthorized;
    try {
      return new BenchPublisher(await mqtt.connectAsync(connection.url, options), new Topics(prefix, deviceId));
    } catch (e) {
      throw new ArgusError(`--publish: cannot connect to the MQTT broker ${connection.url} (${(e as Error).message})`, { cause: e });
    }
  }

  /**
   * Where each bench frame's detections payload goes (QoS 0), the publish stage: beside the device's
   * own `detections` topic, so subscribers to it do not get bench frames.
   */
  get framesTopic(): string {
    return `${this.topics.bench}/detections`;
  }

  publishFrame(payload: string): void {
    this.client.publish(this.framesTopic, payload, { qos: 0 });
  }

  /** The report on `<prefix>/<id>/bench`, QoS 1, retained so a collector that subscribes later still gets each device's latest. */
  async publishReport(report: BenchReport): Promise<void> {
    await this.client.publishAsync(this.topics.bench, JSON.stringify(report), { qos: 1, retain: true });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
