#!/usr/bin/env node
import { Command } from 'commander';
import { isArgusError } from '../models/errors.js';
import '../models/families/index.js';
import { log } from '../device/log.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDeployCommands } from './commands/deploy.js';
import { registerDetectCommand } from './commands/detect.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerModelCommands } from './commands/model.js';
import { registerQuantizeCommand } from './commands/quantize.js';
import { registerRunCommand } from './commands/run.js';
import { registerWatchCommand } from './commands/watch.js';

const program = new Command('argus')
  .description('edge object detection: ONNX detectors, int8 on the CPU, detections over MQTT')
  .option('--models-dir <dir>', 'model store (default: $ARGUS_MODELS, else models/store in the project)')
  .showHelpAfterError();

registerModelCommands(program);
registerDetectCommand(program);
registerEvalCommand(program);
registerQuantizeCommand(program);
registerConfigCommands(program);
registerRunCommand(program);
registerWatchCommand(program);
(await import('./commands/bench.js')).registerBenchCommand(program);
(await import('./commands/data.js')).registerDataCommands(program);
(await import('./commands/train.js')).registerTrainCommand(program);
registerDeployCommands(program);

try {
  await program.parseAsync();
} catch (e) {
  // Our own errors already say what and where; anything else is a bug, so keep its stack.
  if (isArgusError(e)) log.error(e.message);
  else log.error(e as Error);
  // Exit now: open handles (a broker, a camera process, pm2's IPC channel) must not keep a failed start alive.
  process.exit(1);
}
