import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
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

test('docker-credential-azsess and git-credential on generated input', async () => {
  const inputs = fc.sample(fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('contoso.azurecr.io\n', 'protocol=https\nhost=dev.azure.com\n\n', 'host=evil.com\n')), { numRuns: 60 });
  const actions = ['get', 'erase', 'store', 'list', 'version', 'nope'];
  const runs = inputs.map((input, i) => async () => {
    const tmp = makeTmpHome();
    try {
      const env = { AZURE_AUTHORITY_HOST: server.url, CI: 'true' };
      const docker = await runCli([actions[i % actions.length]!], { bin: 'docker-credential-azsess', userHome: tmp.userHome, cwd: tmp.userHome, env, input, timeoutMs: 30_000 });
      assert.ok(docker.code === 0 || docker.code === 1, `docker helper exit ${docker.code}`);
      assert.ok(docker.stdout === '' || !docker.stdout.slice(0, -1).includes('\n'), 'one line on stdout');
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
