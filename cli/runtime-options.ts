import type { Command } from 'commander';
import { envLayer, fileLayer, resolveConfig, setPath, type ConfigLayer } from '../device/config/load-config.js';
import type { Config } from '../device/config/schema.js';
import { integer, list, number, precision } from './options.js';

/** The runtime flags shared by `argus run` and `argus config print`. */
export function addRuntimeOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file, YAML or JSON (default: $ARGUS_CONFIG)')
    .option('--source <spec>', 'auto | demo | libcamera | video:<file> | v4l2:/dev/videoN | rtsp://… | images:<folder>')
    .option('--broker <url>', "'embedded' or mqtt[s]://host[:port]")
    .option('--broker-port <port>', 'port of the embedded broker', integer(0, 65535))
    .option('--device-id <id>', 'MQTT topic level of this device')
    .option('--model <name>', 'model name in the store, or a model folder')
    .option('--precision <p>', 'int8 or fp32', precision)
    .option('--threshold <t>', 'minimum score', number(0, 1))
    .option('--threads <n>', 'inference threads', integer(1, 64))
    .option('--labels <a,b>', 'report only these labels', list)
    .option('--http-port <port>', 'port of the web page (default 8080; 0: any free port)', integer(0, 65535))
    .option('--no-http', 'serve no web page');
}

const FLAG_PATHS: Record<string, string[]> = {
  source: ['source'],
  broker: ['broker', 'url'],
  brokerPort: ['broker', 'port'],
  deviceId: ['deviceId'],
  model: ['model'],
  precision: ['precision'],
  threshold: ['threshold'],
  threads: ['threads'],
  labels: ['labels'],
  httpPort: ['http', 'port'],
};

/** Defaults < config file < environment < flags, validated. */
export function configFromOptions(opts: Record<string, unknown>, modelsDir: string | undefined): Config {
  const layers: ConfigLayer[] = [];
  const file = (opts.config as string | undefined) ?? process.env.ARGUS_CONFIG;
  if (file) layers.push(fileLayer(file));
  layers.push(envLayer(process.env));
  const flags: Record<string, unknown> = {};
  for (const [key, path] of Object.entries(FLAG_PATHS)) if (opts[key] !== undefined) setPath(flags, path, opts[key]);
  // commander sets `http` to true unless --no-http is given; only the flag itself may override the config.
  if (opts.http === false) setPath(flags, ['http', 'enabled'], false);
  if (modelsDir) flags.modelsDir = modelsDir;
  layers.push({ origin: 'command-line flags', values: flags });
  return resolveConfig(layers);
}
