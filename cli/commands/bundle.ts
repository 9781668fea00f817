import { InvalidArgumentError, type Command } from 'commander';
import { log } from '../../device/log.js';
import { DEFAULT_MODEL } from '../../models/default-model.js';

const ARCH_CHOICES = ['arm64', 'x64'];

function arch(value: string): 'arm64' | 'x64' {
  if (!ARCH_CHOICES.includes(value)) throw new InvalidArgumentError(`expected one of ${ARCH_CHOICES.join(', ')}, got '${value}'`);
  return value as 'arm64' | 'x64';
}

/** `argus bundle`: the offline device release. The builder is loaded lazily: a bundle does not ship it. */
export function registerBundleCommand(program: Command): void {
  program
    .command('bundle')
    .description('build an offline device release for linux-arm64 (Raspberry Pi) or linux-x64: code, model, node_modules, pm2')
    .option('--arch <arch>', 'arm64 | x64', arch, 'arm64')
    .option('--model <name>', 'model in the store to ship', DEFAULT_MODEL)
    .option('--out <dir>', 'output folder (default: dist/bundles/argus-linux-<arch>)')
    .option('--tarball', 'also write <out>.tar.gz')
    .option('--node', 'ship Node.js for the target in node/ (for hosts without Node 20)')
    .option('--json', 'print bundle.json instead of a summary')
    .action(async (o) => {
      const { buildBundle } = await import('../../deploy/bundle/build-bundle.js');
      const { formatBytes } = await import('../../deploy/bundle/bundle-manifest.js');
      const built = await buildBundle(
        { arch: o.arch, model: o.model, out: o.out, tarball: Boolean(o.tarball), node: Boolean(o.node), modelsDir: program.opts().modelsDir },
        (step) => log.info(step),
      );
      const m = built.manifest;
      if (o.json) {
        console.log(JSON.stringify({ dir: built.dir, tarball: built.tarball, ...m }));
        return;
      }
      const parts = Object.entries(m.size.parts)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${formatBytes(v)}`)
        .join(', ');
      console.log(`bundle ${m.version} for linux-${m.arch} in ${built.dir}`);
      console.log(`  size ${formatBytes(m.size.bytes)} in ${m.size.files} files (${parts})`);
      console.log(`  model ${m.model.name} (${m.model.precisions.join(', ')}); Node.js ${m.node.bundled ? `${m.node.bundled} inside` : `${m.node.engines} on the host`}`);
      if (built.tarball) {
        const { statSync } = await import('node:fs');
        console.log(`  tarball ${built.tarball} (${formatBytes(statSync(built.tarball).size)})`);
      }
    });
}
