import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { toleratesMissing } from '../support/requires.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';
import { argv, checkRun, fuzzEnv, seed, startRefusingServer } from './cli-grammar.js';

/**
 * Command lines from a grammar of azsess's commands and flags, with valid, odd and hostile values,
 * run through the built CLI. Whatever they say: an exit code of the table (and not 1, which means
 * a bug), no stack trace, no hang, and never the secret given on the command line or in the
 * environment in any output. The network answers every request at once with an Entra error, so
 * no run waits on it; browser sign-in, which waits for a person, is left out of the grammar.
 */
// The grammar's `setup git` lines run git where it is installed; without it azsess says so (exit 6).
toleratesMissing('git');

let server: { url: string; close(): Promise<void> };
before(async () => {
  server = await startRefusingServer();
});
after(() => server.close());

test('the CLI on generated command lines', async () => {
  const cases = fc.sample(argv, { numRuns: 240, seed });
  const env = fuzzEnv(server.url);
  const queue = [...cases];
  const worker = async () => {
    for (let args = queue.shift(); args; args = queue.shift()) {
      const tmp = makeTmpHome();
      try {
        // In the scratch home, where a relative --home or file name lands.
        checkRun(args, await runCli(args, { userHome: tmp.userHome, cwd: tmp.userHome, env, timeoutMs: 30_000 }));
      } finally {
        tmp.cleanup();
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
});

/**
 * What docker expects of a credential helper: exit 0, or exit 1 with one line saying why on
 * stdout (a crash, which exits 1 with nothing on stdout, fails here); nothing on stderr without
 * AZSESS_VERBOSE, and never a stack trace.
 */
function checkDockerAnswer(action: string, input: string, r: { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }): void {
  const what = `docker-credential-azsess ${action} <<< ${JSON.stringify(input)}: exit ${r.code}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`;
  assert.equal(r.signal, null, `killed (a hang?): ${what}`);
  assert.ok(r.code === 0 || r.code === 1, what);
  assert.equal(r.stderr, '', what);
  assert.ok(r.stdout === '' || /^[^\n]+\n$/.test(r.stdout), `at most one line on stdout: ${what}`);
  if (r.code === 1) {
    assert.match(r.stdout, /^\S[^\n]*\S\n$/, `exit 1 says why, on one line: ${what}`);
    assert.doesNotMatch(r.stdout, /unexpected failure/, `a bug: ${what}`);
  }
  if (r.code === 0 && action === 'get') assert.doesNotThrow(() => JSON.parse(r.stdout), `get answers JSON: ${what}`);
  if (action === 'version') assert.match(r.stdout, /^docker-credential-azsess \(azsess\) \S+\n$/, what);
}

test('docker-credential-azsess and git-credential on generated input', async () => {
  const inputs = fc.sample(fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('contoso.azurecr.io\n', 'protocol=https\nhost=dev.azure.com\n\n', 'host=evil.com\n')), { numRuns: 60, seed });
  const actions = ['get', 'erase', 'store', 'list', 'version', 'nope'];
  const runs = inputs.map((input, i) => async () => {
    const tmp = makeTmpHome();
    try {
      const env = { AZURE_AUTHORITY_HOST: server.url, CI: 'true' };
      const action = actions[i % actions.length]!;
      const docker = await runCli([action], { bin: 'docker-credential-azsess', userHome: tmp.userHome, cwd: tmp.userHome, env, input, timeoutMs: 30_000 });
      checkDockerAnswer(action, input, docker);
      const git = await runCli(['git-credential', actions[i % 3]!], { userHome: tmp.userHome, cwd: tmp.userHome, env, input, timeoutMs: 30_000 });
      checkRun(['git-credential'], git);
    } finally {
      tmp.cleanup();
    }
  });
  const queue = [...runs];
  await Promise.all([0, 1, 2, 3].map(async () => {
    for (let run = queue.shift(); run; run = queue.shift()) await run();
  }));
});
