import { InvalidArgumentError, type Command } from 'commander';
import { BENCH_DEFAULTS, BenchPublisher, formatBenchTable, runBench } from '../../device/bench/index.js';
import { log } from '../../device/log.js';
import { modelsDir } from '../../models/paths.js';
import { ModelStore } from '../../models/store.js';
import { integer, list, precision } from '../options.js';
import { configFromOptions } from '../runtime-options.js';

function integers(value: string): number[] {
  return list(value).map((v) => integer(1, 64)(v));
}

function precisions(value: string) {
  const ps = list(value).map(precision);
  if (!ps.length) throw new InvalidArgumentError(`expected fp32, int8 or both, got '${value}'`);
  return ps;
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('inference latency on this machine: per stage, whole pipeline, fp32 vs int8, threads; parameters, MACs, GOPS')
    .option('--model <name>', 'model name in the store, or a model folder (default: the config model, coco-nanodet)')
    .option('--precision <list>', 'fp32,int8 (default: both when the model has int8)', precisions)
    .option('--threads <list>', 'inference thread counts, e.g. 1,2,4 (default: 1, the device default of one per core but one, and one per core)', integers)
    .option('--runs <n>', 'measured frames per precision and thread count', integer(2, 100_000), BENCH_DEFAULTS.runs)
    .option('--warmup <n>', 'frames run first and not measured', integer(0, 10_000), BENCH_DEFAULTS.warmup)
    .option('--source <spec>', 'frames: video:<file> | images:<folder> | demo | a camera spec | a file or folder (default: the shared vtest video)')
    .option('--no-worker', 'run onnxruntime on the main thread instead of a worker thread (to see what the worker saves)')
    .option('--json', 'print one JSON object instead of the table')
    .option('--publish', 'publish the result to <prefix>/<device id>/bench (retained); frame payloads go to …/bench/detections')
    .option('--broker <url>', "MQTT broker for --publish (default: the config's; 'embedded' means the local device's broker)")
    .option('--device-id <id>', 'device id in the topic (default: the config one, the host name)')
    .option('--config <file>', 'device config file for the defaults above (default: $ARGUS_CONFIG)')
    .action(async (o) => {
      const config = configFromOptions({ config: o.config, model: o.model, broker: o.broker, deviceId: o.deviceId }, program.opts().modelsDir);
      let publisher: BenchPublisher | null = null;
      if (o.publish) {
        const b = config.broker;
        // 'embedded' is the broker an `argus run` on this machine starts: reach it as a client.
        const url = b.url === 'embedded' ? `mqtt://${b.host === '0.0.0.0' ? '127.0.0.1' : b.host}:${b.port}` : b.url;
        publisher = await BenchPublisher.connect({ ...b, url }, config.mqtt.prefix, config.deviceId);
        log.info(`publishing to ${url} on ${publisher.topics.bench}`);
      }
      try {
        const report = await runBench(new ModelStore(modelsDir(config.modelsDir)), {
          model: config.model,
          precisions: o.precision,
          threads: o.threads,
          runs: o.runs,
          warmup: o.warmup,
          source: o.source,
          worker: o.worker,
          deviceId: config.deviceId,
          ...(publisher ? { publishFrame: (p: string) => publisher!.publishFrame(p) } : {}),
        });
        console.log(o.json ? JSON.stringify(report) : formatBenchTable(report));
        if (publisher) await publisher.publishReport(report);
      } finally {
        await publisher?.close();
      }
    });
}
