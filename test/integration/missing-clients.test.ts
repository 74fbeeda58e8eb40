import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { distTest, repoRoot } from '../support/paths.js';
import { runCommand } from '../support/run-command.js';

/**
 * A newcomer's machine without the real clients: the tests that drive git are skipped with a
 * reason that names the Debian package, npm test's skip report lists them, and under CI=true the
 * same missing program fails the run.
 */
let bin: string;
before(() => {
  // A PATH with node and nothing else.
  bin = mkdtempSync(join(tmpdir(), 'azsess-bare-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
});
after(() => rmSync(bin, { recursive: true, force: true }));

const runGitTests = (ci: Record<string, string>) =>
  runCommand(
    process.execPath,
    [
      '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./dist/test/support/skip-report.js', '--test-reporter-destination=stdout',
      join(distTest, 'integration', 'helper-git.test.js'),
    ],
    { env: { PATH: bin, HOME: bin, ...ci }, cwd: repoRoot, timeoutMs: 120_000 },
  );

test('outside CI, a test whose client is missing is skipped with the Debian package named, and listed at the end', async () => {
  const r = await runGitTests({});
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Skipped 1 test[^]*needs git, which is missing: apt-get install git/);
  assert.match(r.stdout, /helper-git\.test\.js: git credential helper through the real git/);
});

test('under CI=true, a missing client fails the run', async () => {
  const r = await runGitTests({ CI: 'true' });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /CI=true and this test needs git/);
});
