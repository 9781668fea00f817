import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { log } from '../../device/log.js';
import { DeviceRuntime } from '../../device/runtime/device-runtime.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';
import { MANIFEST_FILE } from '../../models/manifest.js';
import { modelsDir } from '../../models/paths.js';
import { ModelStore } from '../../models/store.js';
import { addRuntimeOptions, configFromOptions } from '../runtime-options.js';

/**
 * On a workstation or a fresh checkout the default model is built on first start; a Pi bundle
 * ships it built and has no trainer code to build it with.
 */
async function ensureDefaultModel(store: ModelStore, name: string): Promise<void> {
  if (name !== DEFAULT_MODEL || existsSync(join(store.modelDir(name), MANIFEST_FILE))) return;
  log.info(`model '${name}' is not in ${store.dir} yet: building it (first start)`);
  let builder: typeof import('../../trainer/importers/default-model.js');
  try {
    builder = await import('../../trainer/importers/default-model.js');
  } catch (e) {
    throw new Error(`model '${name}' is missing from ${store.dir} and this installation cannot build it (no trainer): deploy a bundle that contains it`, { cause: e });
  }
  await builder.ensureDefaultModel(store);
}

export function registerRunCommand(program: Command): void {
  addRuntimeOptions(program.command('run').description('run the device: camera → detector → MQTT (npm start)')).action(async (o) => {
    const config = configFromOptions(o, program.opts().modelsDir);
    await ensureDefaultModel(new ModelStore(modelsDir(config.modelsDir)), config.model);
    const runtime = new DeviceRuntime(config);
    let stopping: Promise<void> | null = null;
    const stop = (why: string) => {
      if (stopping) return stopping;
      log.info(`${why}: finishing the frame in flight and going offline`);
      stopping = runtime.stop();
      return stopping;
    };
    const signalled = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    await runtime.start();
    log.info(`device '${config.deviceId}' publishing on ${runtime.brokerUrl} under ${config.mqtt.prefix}/${config.deviceId}/`);
    const why = await Promise.race([signalled, runtime.ended().then(() => 'source ended')]);
    await stop(why);
    log.info('stopped');
  });
}
