import type { Command } from 'commander';
import mqtt from 'mqtt';
import { log } from '../../device/log.js';
import { formatMessage } from '../../device/mqtt/watch-format.js';

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('print detections, events, status and stats of argus devices as they arrive')
    .option('--broker <url>', 'MQTT broker', process.env.ARGUS_BROKER && process.env.ARGUS_BROKER !== 'embedded' ? process.env.ARGUS_BROKER : 'mqtt://127.0.0.1:1883')
    .option('--device <id>', 'one device (default: all)', '+')
    .option('--prefix <prefix>', 'topic prefix', 'argus')
    .option('--username <user>')
    .option('--password <password>')
    .option('--json', 'print raw topic and payload lines')
    .option('--count <n>', 'exit after this many detection messages', (v) => Number(v))
    .action(async (o) => {
      const client = mqtt.connect(o.broker, { username: o.username, password: o.password, reconnectPeriod: 2000 });
      const topic = `${o.prefix}/${o.device}/#`;
      let detections = 0;
      client.on('connect', () => {
        log.info({ broker: o.broker, topic }, 'watching');
        client.subscribe(topic);
      });
      client.on('error', (e) => log.warn({ broker: o.broker }, e.message));
      client.on('offline', () => log.warn({ broker: o.broker }, 'broker unreachable, retrying'));
      await new Promise<void>((resolve) => {
        client.on('message', (t, payload) => {
          const line = o.json ? `${t} ${payload.toString('utf8')}` : formatMessage(t, payload, o.prefix);
          if (line) console.log(line);
          if (t.endsWith('/detections') && o.count && ++detections >= o.count) resolve();
        });
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await client.endAsync();
    });
}
