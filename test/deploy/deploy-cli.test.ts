import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { runCli } from '../helpers/cli.js';

test('argus deploy and argus bundle refuse bad input with a message that says what is valid', async () => {
  const noHosts = await runCli(['deploy']);
  assert.equal(noHosts.code, 1);
  assert.match(noHosts.stderr, /no hosts: name them/);

  const twoIds = await runCli(['deploy', 'pi@a', 'pi@b', '--device-id', 'cam']);
  assert.equal(twoIds.code, 1);
  assert.match(twoIds.stderr, /--device-id names one device/);

  const notABundle = await runCli(['deploy', 'pi@a', '--bundle', mkdtempSync(join(tmpdir(), 'argus-empty-'))]);
  assert.equal(notABundle.code, 1);
  assert.match(notABundle.stderr, /bundle\.json: not a bundle manifest/);

  const arch = await runCli(['bundle', '--arch', 'mips']);
  assert.notEqual(arch.code, 0);
  assert.match(arch.stderr, /expected one of arm64, x64, got 'mips'/);
});
