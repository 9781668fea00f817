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

/** What the default model lacks in the store: all of it, its int8 file, or nothing. */
function defaultModelGap(store: ModelStore, name: string): 'model' | 'int8' | null {
  if (name !== DEFAULT_MODEL) return null;
  if (!existsSync(join(store.modelDir(name), MANIFEST_FILE))) return 'model';
  try {
    return store.open(name).manifest.files.int8 ? null : 'int8';
  } catch {
    // A broken manifest is reported, with its field, when the runtime opens the model.
    return null;
  }
}

/**
 * On a workstation or a fresh checkout the default model (and its int8 file) is built on first
 * start; a Pi bundle ships it built and has no trainer code to build it with.
 */
async function ensureDefaultModel(store: ModelStore, name: string): Promise<void> {
  const gap = defaultModelGap(store, name);
  if (!gap) return;
  log.info(gap === 'model' ? `model '${name}' is not in ${store.dir} yet: building it (first start)` : `model '${name}' has no int8 file yet: quantizing it (first start)`);
  let builder: typeof import('../../trainer/importers/default-model.js');
  try {
    builder = await import('../../trainer/importers/default-model.js');
  } catch (e) {
    if (gap === 'int8') return log.warn(`this installation cannot quantize '${name}' (no trainer): it runs in fp32`);
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
