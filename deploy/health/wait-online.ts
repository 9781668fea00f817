import mqtt from 'mqtt';

export interface WaitOnlineOptions {
  /** Broker the device publishes to, as reached from here. */
  url: string;
  /** `<prefix>/<deviceId>/status`. */
  topic: string;
  /**
   * Epoch seconds on the host's clock just before the start: a status whose `started` is older
   * comes from the process that was replaced (a retained `online` can outlive it for a moment).
   */
  since: number;
  /** The status `version` the new release publishes; any when undefined. */
  version?: string;
  timeoutMs: number;
  /**
   * Asked every `pollMs` while waiting; a string ends the wait early as a failure (pm2 reports the
   * process errored, or restarting in a loop), so a broken release needs no full timeout.
   */
  poll?: () => Promise<string | null>;
  pollMs?: number;
}

export type WaitOnlineResult =
  | { ok: true; ms: number; status: Record<string, unknown> }
  | { ok: false; ms: number; reason: string; last?: Record<string, unknown> };

/**
 * Waits until the device publishes `{"state":"online"}` with a `started` time after `since`
 * (and the expected version), over an MQTT subscription to its status topic.
 */
export async function waitOnline(o: WaitOnlineOptions): Promise<WaitOnlineResult> {
  const t0 = Date.now();
  // Reconnect quickly: through a tunnel to an embedded broker, the broker restarts with the device.
  const client = mqtt.connect(o.url, { reconnectPeriod: 500, connectTimeout: 5000, clientId: `argus-deploy-${process.pid}-${Math.random().toString(16).slice(2, 8)}` });
  let last: Record<string, unknown> | undefined;
  let lastError = '';
  try {
    return await new Promise<WaitOnlineResult>((resolve) => {
      const done = (r: WaitOnlineResult) => {
        clearTimeout(timer);
        clearInterval(poller);
        resolve(r);
      };
      const timer = setTimeout(() => {
        const seen = last ? `last status ${JSON.stringify(last)}` : lastError ? `broker ${o.url}: ${lastError}` : 'no status message';
        done({ ok: false, ms: Date.now() - t0, reason: `not online within ${Math.round(o.timeoutMs / 1000)} s (${seen})`, ...(last ? { last } : {}) });
      }, o.timeoutMs);
      let polling = false;
      const poller = setInterval(async () => {
        if (!o.poll || polling) return;
        polling = true;
        try {
          const failure = await o.poll();
          if (failure) done({ ok: false, ms: Date.now() - t0, reason: failure, ...(last ? { last } : {}) });
        } catch {
          // A failed poll (ssh hiccup) is not a verdict; the timeout still is.
        } finally {
          polling = false;
        }
      }, o.pollMs ?? 2000);
      client.on('error', (e) => (lastError = e.message));
      client.on('connect', () => {
        lastError = '';
        client.subscribe(o.topic, { qos: 1 });
      });
      client.on('message', (_topic, payload) => {
        let status: Record<string, unknown>;
        try {
          status = JSON.parse(payload.toString()) as Record<string, unknown>;
        } catch {
          return;
        }
        last = status;
        const started = typeof status.started === 'string' ? Date.parse(status.started) / 1000 : NaN;
        // One second of slack: `since` is whole seconds.
        if (status.state !== 'online' || !(started >= o.since - 1)) return;
        if (o.version !== undefined && status.version !== o.version) return;
        done({ ok: true, ms: Date.now() - t0, status });
      });
    });
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}
