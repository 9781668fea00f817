import type { Command } from 'commander';
import { stringify } from 'yaml';
import { payloadJsonSchema, payloadSchemas } from '../../device/mqtt/payloads.js';
import { addRuntimeOptions, configFromOptions } from '../runtime-options.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('the device runtime configuration');
  addRuntimeOptions(config.command('print').description('print the effective configuration (defaults, file, environment, flags)'))
    .option('--json', 'as JSON instead of YAML')
    .action((o) => {
      const effective = configFromOptions(o, program.opts().modelsDir);
      const shown = {
        ...effective,
        broker: { ...effective.broker, ...(effective.broker.password ? { password: '***' } : {}) },
        http: { ...effective.http, ...(effective.http.password ? { password: '***' } : {}) },
      };
      console.log(o.json ? JSON.stringify(shown, null, 2) : stringify(shown).trimEnd());
    });

  program
    .command('schema')
    .description('print the JSON Schema of an MQTT payload')
    .argument('[payload]', `one of: ${Object.keys(payloadSchemas).join(', ')} (default: all)`)
    .action((name?: string) => {
      if (name && !(name in payloadSchemas)) {
        throw new Error(`unknown payload '${name}'. Should be one of: ${Object.keys(payloadSchemas).join(', ')}`);
      }
      const names = (name ? [name] : Object.keys(payloadSchemas)) as (keyof typeof payloadSchemas)[];
      const out = Object.fromEntries(names.map((n) => [n, payloadJsonSchema(n)]));
      console.log(JSON.stringify(name ? out[name] : out, null, 2));
    });
}
