import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * The process logger, on stderr so that `--json` output on stdout stays machine-readable.
 * Human-readable on a terminal, JSON lines otherwise (pm2 logs, CI), `ARGUS_LOG_LEVEL` to tune.
 */
function createLogger(): Logger {
  const level = process.env.ARGUS_LOG_LEVEL ?? 'info';
  if (process.stderr.isTTY && process.env.ARGUS_LOG_FORMAT !== 'json') {
    return pino({ level }, pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
  }
  return pino({ level }, pino.destination({ dest: 2, sync: true }));
}

export const log: Logger = createLogger();
