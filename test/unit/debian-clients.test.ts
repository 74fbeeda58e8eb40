import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths.js';
import { assertRequired, clientsOfAzsessArgs } from '../support/requires.js';

/**
 * Issue 19 item 6: `setup kubectl` ran the real kubectl without the skip rule, so `npm test` failed
 * where kubectl is missing instead of skipping with the package named. Two checks keep the next such
 * test out: the spawn helpers refuse an undeclared client at run time (every machine, kubectl present
 * or not), and this scan finds a client started by hand, past those helpers.
 */

const testDir = join(repoRoot, 'test');
const clients = ['kubectl', 'skopeo', 'docker-registry', 'zsh', 'fish', 'chromium', 'git', 'openssl', 'python3'];
/** The helpers that start a client and call assertRequired before they do. */
const guardedHelpers = new Set(['support/run-command.ts', 'support/run-cli.ts', 'support/acr-fake.ts', 'support/certificates.ts', 'support/git-server.ts', 'support/requires.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const files = sources(testDir).map((full) => ({ path: relative(testDir, full), text: readFileSync(full, 'utf8') }));

test('no test source starts a Debian client by hand, past the guarded spawn helpers', () => {
  const byHand = new RegExp(`\\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync)\\(\\s*['"\`](?:/usr/bin/)?(?:${clients.join('|')})['"\`]`);
  const offenders = files.filter((f) => !guardedHelpers.has(f.path) && byHand.test(f.text)).map((f) => f.path);
  assert.deepEqual(offenders, [], 'start the client with runCommand (test/support/run-command.ts), which checks requires()');
});

test('a test that launches Chromium declares it through requires', () => {
  const offenders = files
    .filter((f) => f.path !== 'unit/debian-clients.test.ts')
    .filter((f) => /chromium\.launch\(|executablePath:/.test(f.text) && !/requires\(\s*'chromium'/.test(f.text))
    .map((f) => f.path);
  assert.deepEqual(offenders, []);
});

test('the run-time guard refuses a client nobody declared, names the fix, and lets other programs run', () => {
  assert.throws(() => assertRequired('/usr/bin/skopeo'), /runs skopeo without declaring it: .*requires\('skopeo'\)/);
  assert.throws(() => assertRequired('/usr/bin/python3'), /requires\('python3-azure'\)/);
  for (const other of ['bash', 'script', 'npm', process.execPath, 'toString', 'constructor']) assert.doesNotThrow(() => assertRequired(other));
  assert.deepEqual(clientsOfAzsessArgs(['setup', 'kubectl', '--context', 'x']), ['kubectl']);
  assert.deepEqual(clientsOfAzsessArgs(['setup', 'git']), ['git']);
  assert.deepEqual(clientsOfAzsessArgs(['setup', 'docker']), []);
  assert.deepEqual(clientsOfAzsessArgs(['token']), []);
});
