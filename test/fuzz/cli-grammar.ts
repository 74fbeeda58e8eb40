import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';

/**
 * A grammar of azsess command lines (commands, flags, valid, odd and hostile values), the server
 * they meet and the properties every run must keep; shared by the fuzzing of the built CLI (real
 * processes) and of `main()` in-process (many more cases).
 */
export const secret = 'FUZZ-CLI-SECRET-7e57-0123456789';
const documented = new Set([0, 2, 3, 4, 5, 6, 130]);

/** A loopback identity provider that refuses everything at once, so no run waits on the network. */
export async function startRefusingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_request', error_description: 'AADSTS900144: refused by the fuzzing server.', error_codes: [900144] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The environment of a fuzzed run: every endpoint is the refusing server; CI, so nobody is asked;
 * a short deadline, so a generated unreachable host ends a run in seconds.
 */
export function fuzzEnv(url: string): Record<string, string> {
  return { AZURE_AUTHORITY_HOST: url, AZURE_POD_IDENTITY_AUTHORITY_HOST: url, AZURE_CLIENT_SECRET: secret, CI: 'true', AZSESS_TIMEOUT: '3' };
}

export const value = fc.oneof(
  fc.constantFrom('device-code', 'client-credentials', 'vm', 'managed-identity', 'federated', 'AzDeviceCodeCredentials', 'kerberos', ''),
  fc.constantFrom('common', 'organizations', 'contoso.onmicrosoft.com', '7e57a1d0-0000-4000-8000-00000000a2e5', '../etc', 'a b'),
  fc.constantFrom('https://storage.azure.com/.default', 'https://management.azure.com/', '499b84ac-1321-427f-aa17-267ca6975798/.default', 'openid', '/', '-1', '0', '5', '1e9', 'NaN'),
  fc.constantFrom('json', 'raw', 'exec-credential', 'yaml', 'mars', 'Public', 'get', 'erase', 'store', 'bash', 'zsh', 'fish'),
  fc.constantFrom('http://login.example.com', 'https://127.0.0.1:1', 'http://127.0.0.1:1', '5', '/dev/null/x'),
  fc.constantFrom('alice@azsess-test.onmicrosoft.com', '7e57a11c-0000-4000-8000-0000000a11ce', 'nobody@example.com'),
  fc.string({ maxLength: 12 }),
);

const flag = fc.constantFrom(
  '--scope', '--resource', '--protocol', '--tenant', '--client-id', '--object-id', '--msi-res-id', '--authority-host', '--cloud',
  '--offset', '--min-validity', '--output', '--timeout', '--server-id', '--home', '--client-secret', '--scope-auth', '--claims',
  '--federated-token-source', '--federated-token-file', '--allow-host', '--registry', '--context', '--redirect-uri', '--account',
);
const bare = fc.constantFrom('--interactive', '--no-interactive', '--clear-cache', '--reset', '--manifest', '--cae', '--verbose', '-v', '--help', '--version', '--no-browser', '--', '--no-such-flag', '-x');

// The secret goes where secrets go: echoing a misplaced word back in a usage error is fine.
const word = fc.oneof(fc.tuple(flag, value).map(([f, v]) => [f, v]), bare.map((b) => [b]), value.map((v) => [v]), fc.constant(['--client-secret', secret]));
const command = fc.constantFrom(['token'], ['login'], ['status'], ['write-manifest'], ['clear-cache'], ['scrub'], ['git-credential', 'get'], ['git-credential'], ['setup', 'docker'], ['setup', 'git'], ['completion'], ['help'], ['frobnicate'], []);

export const argv = fc
  .tuple(command, fc.array(word, { maxLength: 5 }))
  .map(([cmd, words]) => [...cmd, ...words.flat()])
  // A browser sign-in waits for a person: not a case for unattended fuzzing. Nor is a deadline
  // longer than the test's patience, which an unreachable host then rightly uses up.
  .filter((args) => !args.some((a) => /auth-?code/i.test(a)))
  .filter((args) => !args.some((a, i) => a === '--timeout' && Number(args[i + 1]) > 5));

/** The seed of this run's samples: FUZZ_SEED replays a failure. */
export const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9);

export interface RunOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What every run must keep, whatever it was asked. */
export function checkRun(args: string[], r: RunOutcome): void {
  const what = `azsess ${args.join(' ')} (FUZZ_SEED=${seed})\n${r.stderr}`;
  assert.notEqual(r.code, null, `killed (a hang?): ${what}`);
  assert.ok(documented.has(r.code!), `exit ${r.code} is not a documented outcome: ${what}`);
  assert.doesNotMatch(r.stderr, /\n\s+at \S/, `stack trace: ${what}`);
  assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), `the secret was echoed: ${what}`);
}

/** A stream that keeps what is written to it, for the runs of `main()` in-process. */
export function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}
