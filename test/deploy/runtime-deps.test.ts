import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { BundleError } from '../../deploy/errors.js';
import { packageName, runtimeDependencies, scanImports } from '../../deploy/bundle/runtime-deps.js';
import { findPackages } from '../../deploy/bundle/build-bundle.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'argus-scan-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

test('scanImports finds the packages compiled code imports, skipping builtins, comments and relative files', () => {
  const root = tree({
    'device/a.js': "import { z } from 'zod';\nimport sharp from 'sharp';\nimport { join } from 'node:path';\nimport fs from 'fs';\nimport { b } from './b.js';\n",
    'device/b.js': "/**\n * import type { X } from 'argus/payloads'\n */\n// import x from 'nope'\nexport { y } from '@scope/pkg/sub/path.js';\nconst m = await import('mqtt');\n",
    'cli/c.js': "import '../device/a.js';\nconst t = await import('../trainer/x.js');\n",
  });
  const scan = scanImports(root, ['device', 'cli']);
  assert.deepEqual(scan.packages, ['@scope/pkg', 'mqtt', 'sharp', 'zod']);
  assert.deepEqual(scan.escapes, [], 'a lazy import of trainer code is allowed: only the command that needs it fails');
});

test('scanImports reports a static import of a folder the bundle does not ship', () => {
  const root = tree({ 'cli/c.js': "import { train } from '../trainer/train.js';\n", 'trainer/train.js': "import tf from '@tensorflow/tfjs';\n" });
  const scan = scanImports(root, ['cli']);
  assert.deepEqual(scan.escapes, [{ file: join('cli', 'c.js'), specifier: '../trainer/train.js' }]);
  assert.deepEqual(scan.packages, [], 'files outside the scanned folders are not read');
});

test('packageName keeps the scope', () => {
  assert.equal(packageName('@img/sharp-linux-arm64/lib'), '@img/sharp-linux-arm64');
  assert.equal(packageName('pino/file'), 'pino');
});

test('runtimeDependencies takes the declared ranges and refuses forbidden or undeclared packages', () => {
  const declared = { zod: '^4.6.7', pm2: '^6.0.14', '@tensorflow/tfjs': '^4.22.0' };
  assert.deepEqual(runtimeDependencies(['zod'], declared, { pm2: '', 'pm2-logrotate': '^3.0.0' }, ['@tensorflow/']), {
    pm2: '^6.0.14',
    'pm2-logrotate': '^3.0.0',
    zod: '^4.6.7',
  });
  assert.throws(() => runtimeDependencies(['@tensorflow/tfjs'], declared, {}, ['@tensorflow/']), (e: Error) => e instanceof BundleError && /must not be in a device bundle/.test(e.message));
  assert.throws(() => runtimeDependencies(['left-pad'], declared, {}, []), /'left-pad', which package.json does not declare/);
});

test('findPackages looks into nested node_modules and scopes', () => {
  const root = tree({
    'node_modules/a/package.json': '{}',
    'node_modules/a/node_modules/protobufjs/package.json': '{}',
    'node_modules/@tensorflow/tfjs-core/package.json': '{}',
  });
  assert.deepEqual(findPackages(join(root, 'node_modules'), ['@tensorflow/', 'protobufjs']), ['@tensorflow/tfjs-core', 'protobufjs']);
});
