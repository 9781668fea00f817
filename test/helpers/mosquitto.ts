import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A real mosquitto broker for a test, on a free port, that can be stopped and started again. */
export class Mosquitto {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'argus-mosquitto-'));
  log = '';

  constructor(
    readonly port: number,
    private readonly extraConfig = '',
  ) {}

  static async start(extraConfig = ''): Promise<Mosquitto> {
    const m = new Mosquitto(await freePort(), extraConfig);
    await m.start();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const conf = join(this.dir, 'mosquitto.conf');
    // Persistent sessions survive a restart, so a test subscriber misses nothing while the broker is down.
    writeFileSync(
      conf,
      `listener ${this.port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${this.dir}/\n` +
        `queue_qos0_messages true\nuser root\n${this.extraConfig}\n`,
    );
    const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d) => (this.log += d));
    child.stderr!.on('data', (d) => (this.log += d));
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${this.log}`);
      return canConnect(this.port);
    }, 10_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function waitFor<T>(check: () => Promise<T | false | null | undefined> | T | false | null | undefined, timeoutMs: number, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A subscriber that records every message it gets. */
export class Recorder {
  readonly messages: { topic: string; payload: Buffer; retain: boolean }[] = [];
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, payload, retain: packet.retain }));
  }

  static async connect(url: string, topic: string, opts: mqtt.IClientOptions = {}): Promise<Recorder> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, ...opts });
    const r = new Recorder(client);
    await client.subscribeAsync(topic, { qos: 1 });
    return r;
  }

  on(topic: string): { topic: string; payload: Buffer; retain: boolean }[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  json(topic: string): unknown[] {
    return this.on(topic).map((m) => JSON.parse(m.payload.toString()));
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
