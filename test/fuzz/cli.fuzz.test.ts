import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { runCli, type CliResult } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';

/**
 * Command lines from a grammar of azsess's commands and flags, with valid, odd and hostile values,
 * run through the built CLI. Whatever they say: an exit code of the table (and not 1, which means
 * a bug), no stack trace, no hang, and never the secret given on the command line or in the
 * environment in any output. The network answers every request at once with an Entra error, so
 * no run waits on it; browser sign-in, which waits for a person, is left out of the grammar.
 */
const secret = 'FUZZ-CLI-SECRET-7e57-0123456789';
const documented = new Set([0, 2, 3, 4, 5, 6, 130]);

let server: Server;
let url: string;
before(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_request', error_description: 'AADSTS900144: refused by the fuzzing server.', error_codes: [900144] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const value = fc.oneof(
  fc.constantFrom('device-code', 'client-credentials', 'vm', 'managed-identity', 'federated', 'AzDeviceCodeCredentials', 'kerberos', ''),
  fc.constantFrom('common', 'organizations', 'contoso.onmicrosoft.com', '7e57a1d0-0000-4000-8000-00000000a2e5', '../etc', 'a b'),
  fc.constantFrom('https://storage.azure.com/.default', 'https://management.azure.com/', '499b84ac-1321-427f-aa17-267ca6975798/.default', 'openid', '/', '-1', '0', '5', '1e9', 'NaN'),
  fc.constantFrom('json', 'raw', 'exec-credential', 'yaml', 'public', 'usgov', 'mars', 'get', 'erase', 'store', 'bash', 'zsh', 'fish'),
  fc.constantFrom('http://login.example.com', 'https://login.microsoftonline.us', 'http://127.0.0.1:1', '/dev/null/x'),
  fc.string({ maxLength: 12 }),
);

const flag = fc.constantFrom(
  '--scope', '--resource', '--protocol', '--tenant', '--client-id', '--object-id', '--msi-res-id', '--authority-host', '--cloud',
  '--offset', '--min-validity', '--output', '--timeout', '--server-id', '--home', '--client-secret', '--scope-auth', '--claims',
  '--federated-token-source', '--federated-token-file', '--allow-host', '--registry', '--context', '--redirect-uri',
);
const bare = fc.constantFrom('--interactive', '--no-interactive', '--clear-cache', '--reset', '--manifest', '--cae', '--verbose', '-v', '--help', '--version', '--no-browser', '--', '--no-such-flag', '-x');

// The secret goes where secrets go: echoing a misplaced word back in a usage error is fine.
const word = fc.oneof(fc.tuple(flag, value).map(([f, v]) => [f, v]), bare.map((b) => [b]), value.map((v) => [v]), fc.constant(['--client-secret', secret]));
const command = fc.constantFrom(['token'], ['login'], ['status'], ['write-manifest'], ['clear-cache'], ['scrub'], ['git-credential', 'get'], ['git-credential'], ['setup', 'docker'], ['setup', 'git'], ['completion'], ['help'], ['frobnicate'], []);

const argv = fc
  .tuple(command, fc.array(word, { maxLength: 5 }))
  .map(([cmd, words]) => [...cmd, ...words.flat()])
  // A browser sign-in waits for a person: not a case for unattended fuzzing.
  .filter((args) => !args.some((a) => /auth-?code/i.test(a)));

function check(args: string[], r: CliResult): void {
  const what = `azsess ${args.join(' ')}\n${r.stderr}`;
  assert.notEqual(r.code, null, `killed (a hang?): ${what}`);
  assert.ok(documented.has(r.code!), `exit ${r.code} is not a documented outcome: ${what}`);
  assert.doesNotMatch(r.stderr, /\n\s+at \S/, `stack trace: ${what}`);
  assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), `the secret was echoed: ${what}`);
}

test('the CLI on generated command lines', async () => {
  const cases = fc.sample(argv, { numRuns: 240, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1e9) });
  const env = {
    AZURE_AUTHORITY_HOST: url,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: url,
    AZURE_CLIENT_SECRET: secret,
    CI: 'true',
  };
  const queue = [...cases];
  const worker = async () => {
    for (let args = queue.shift(); args; args = queue.shift()) {
      const tmp = makeTmpHome();
      try {
        check(args, await runCli(args, { userHome: tmp.userHome, env, timeoutMs: 30_000 }));
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
      const env = { AZURE_AUTHORITY_HOST: url, CI: 'true' };
      const docker = await runCli([actions[i % actions.length]!], { bin: 'docker-credential-azsess', userHome: tmp.userHome, env, input, timeoutMs: 30_000 });
      assert.ok(docker.code === 0 || docker.code === 1, `docker helper exit ${docker.code}`);
      assert.ok(docker.stdout === '' || !docker.stdout.slice(0, -1).includes('\n'), 'one line on stdout');
      const git = await runCli(['git-credential', actions[i % 3]!], { userHome: tmp.userHome, env, input, timeoutMs: 30_000 });
      check(['git-credential'], git);
    } finally {
      tmp.cleanup();
    }
  });
  const queue = [...runs];
  await Promise.all([0, 1, 2, 3].map(async () => {
    for (let run = queue.shift(); run; run = queue.shift()) await run();
  }));
});
