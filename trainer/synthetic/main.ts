/**
 * `node dist/trainer/synthetic/main.js --out <dir> [--source <yolo dataset>] [--train-variants 2]
 * [--val-variants 1] [--limit N] [--max-signs 3] [--seed 0]`: writes the synthetic sign dataset
 * (images/, labels/, data.yaml) for `argus train --data <dir>/data.yaml`. The source defaults to
 * the shared coco128 (its train and val splits).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log } from '../../device/log.js';
import { sharedDir } from '../../models/paths.js';
import { generateSignDataset, SYNTH_DEFAULTS } from './generate.js';

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name}: expected a whole number, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      source: { type: 'string' },
      'train-variants': { type: 'string' },
      'val-variants': { type: 'string' },
      limit: { type: 'string' },
      'max-signs': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (!values.out) throw new RangeError('--out <dir> is required');
  const t0 = performance.now();
  const summary = await generateSignDataset({
    source: values.source ?? join(sharedDir(), 'data', 'coco128', 'config.yaml'),
    out: values.out,
    variants: { train: count('train-variants', values['train-variants'], SYNTH_DEFAULTS.variants.train!), val: count('val-variants', values['val-variants'], SYNTH_DEFAULTS.variants.val!) },
    limit: values.limit === undefined ? undefined : count('limit', values.limit, 0),
    maxSigns: count('max-signs', values['max-signs'], SYNTH_DEFAULTS.maxSigns),
    seed: count('seed', values.seed, SYNTH_DEFAULTS.seed),
  });
  for (const s of summary.splits) console.log(`${s.split}: ${s.images} images from ${s.photos} photos, ${s.signs} signs`);
  console.log(`${summary.dataYaml} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

main().catch((e: unknown) => {
  log.error({ err: e }, 'synthetic sign dataset failed');
  process.exitCode = 1;
});
