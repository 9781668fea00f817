import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { ArgusError } from '../../models/errors.js';

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

/**
 * An in-process MQTT broker (aedes) for devices with no broker configured, so that
 * `mosquitto_sub -t 'argus/#' -v` and `argus watch` work at once. Bound to localhost by default.
 */
export async function startEmbeddedBroker(host: string, port: number): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      aedes.close();
      reject(
        new ArgusError(
          e.code === 'EADDRINUSE'
            ? `embedded broker: port ${port} on ${host} is in use (another broker?). Use --broker mqtt://${host}:${port} to publish to it, or --broker-port to pick another port`
            : `embedded broker: cannot listen on ${host}:${port}: ${e.message}`,
          { cause: e },
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => server.close(() => resolve()));
      }),
  };
}
