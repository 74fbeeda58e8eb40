import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IssuedValues } from '../idp/issued-values.js';
import { findLeaks } from '../support/leak-scan.js';
import { repoRoot } from '../support/paths.js';

test('the leak scan finds an issued secret on stderr and in a config file azsess writes, and names its kind', () => {
  const issued = new IssuedValues();
  issued.record('refresh_token', 'rt-leak-scan-self-test-0123456789');
  const home = mkdtempSync(join(tmpdir(), 'leak-'));
  try {
    assert.deepEqual(findLeaks('all quiet', { HOME: home }), []);
    assert.deepEqual(findLeaks('oops rt-leak-scan-self-test-0123456789', { HOME: home }), [{ where: 'stderr', kinds: ['refresh_token'] }]);
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), '{"auths":{"x":{"auth":"rt-leak-scan-self-test-0123456789"}}}');
    assert.equal(findLeaks('', { HOME: home })[0]!.where, join(home, '.docker', 'config.json'));
  } finally {
    rmSync(home, { recursive: true, force: true });
    IssuedValues.all.delete(issued);
  }
});

test('every test that runs azsess or a real client goes through runCli or runCommand, where the scan is', () => {
  // Spawning azsess by hand would skip the scan; the bench, the demo and the store writers (test/support) are not tests of azsess output.
  const dir = join(repoRoot, 'test', 'integration');
  const offenders = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => /\bspawn\(|execFile\(|spawnSync\(/.test(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(offenders, []);
});
