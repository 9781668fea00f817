import type { Command } from 'commander';
import { log } from '../../device/log.js';
import { ArgusError } from '../../models/errors.js';
import { integer } from '../options.js';
import { registerBundleCommand } from './bundle.js';

/** `argus bundle` and `argus deploy`; deploy/ is loaded lazily, as a device bundle does not ship it. */
export function registerDeployCommands(program: Command): void {
  registerBundleCommand(program);
  program
    .command('deploy')
    .description('deploy the device bundle to hosts over ssh with pm2; wait for online; roll back on failure')
    .argument('[hosts...]', 'ssh destinations (user@host or ~/.ssh/config aliases)')
    .option('--inventory <file>', 'YAML/JSON inventory: hosts and their settings')
    .option('--bundle <dir>', 'bundle folder to deploy (default: build one per host architecture)')
    .option('--model <name>', 'model to build the bundle with (default: coco-nanodet)')
    .option('--broker <url>', 'broker the devices publish to and the deploy watches (default: their embedded broker, watched through ssh)')
    .option('--source <spec>', 'camera source of the devices (default: auto)')
    .option('--device-id <id>', 'device id, for a single host (default: the host name)')
    .option('--parallel <n>', 'hosts deployed at once after the canaries', integer(1, 256), 4)
    .option('--canary <n>', 'hosts deployed first, one by one; a failure stops the rest (default: 1 for a fleet)', integer(0, 256))
    .option('--keep <n>', 'releases kept on each host', integer(1, 100), 3)
    .option('--timeout <s>', 'seconds to wait for online', integer(1, 3600), 90)
    .option('--dir <dir>', "folder on the host, relative to the login's home", 'argus')
    .option('--ssh-config <file>', 'ssh config file (default: ~/.ssh/config)')
    .option('--prefix <prefix>', 'MQTT topic prefix of the devices', 'argus')
    .option('--no-boot', 'do not install the boot service (pm2 resurrect at boot)')
    .option('--dry-run', 'check the hosts and print the plan; change nothing')
    .option('--json', 'print the results as JSON')
    .action(async (hosts: string[], o) => {
      const { allSucceeded, formatReport, hostSpecs, readInventory, runDeploy } = await import('../../deploy/index.js');
      const inventory = o.inventory ? readInventory(o.inventory) : undefined;
      if (o.deviceId && hosts.length + (inventory?.hosts.length ?? 0) > 1) {
        throw new ArgusError('--device-id names one device: with several hosts give each its deviceId in the inventory');
      }
      const specs = hostSpecs(
        hosts,
        { broker: o.broker, source: o.source, deviceId: o.deviceId, model: o.model, dir: o.dir === 'argus' ? undefined : o.dir },
        inventory,
      );
      if (!specs.length) throw new ArgusError('no hosts: name them (argus deploy pi@host …) or give --inventory');
      const results = await runDeploy({
        hosts: specs,
        bundle: o.bundle,
        model: o.model,
        modelsDir: program.opts().modelsDir,
        sshConfig: o.sshConfig,
        keep: o.keep,
        timeoutS: o.timeout,
        dryRun: Boolean(o.dryRun),
        boot: o.boot !== false,
        canary: o.canary,
        parallel: o.parallel,
        prefix: o.prefix,
        embeddedBrokerPort: 1883,
        log: (host, message) => log.info({ host }, message),
      });
      console.log(o.json ? JSON.stringify(results, null, 2) : formatReport(results));
      if (!allSucceeded(results)) process.exitCode = 1;
    });
}
