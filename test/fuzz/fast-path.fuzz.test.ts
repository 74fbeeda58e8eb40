import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { gitCredentialSpec } from '../../src/cli/commands/git-credential-spec.js';
import { tokenSpec } from '../../src/cli/commands/token-spec.js';
import type { CliContext } from '../../src/cli/context.js';
import { parseFastGitCredentialArgs, parseFastTokenArgs } from '../../src/cli/fast-argv.js';
import { main } from '../../src/cli/main.js';
import { longFlag, shortFlag, takesValue, type CommandSpec } from '../../src/cli/option-spec.js';
import { cleanEnv } from '../support/run-cli.js';
import { capture, checkRun, secret, seed, value, type RunOutcome } from './cli-grammar.js';

/**
 * The fast path (cli/fast-argv.ts) and commander read one spec, and run one function: for
 * generated `token` and `git-credential` command lines, `main()` with and without the fast path
 * must end with the same exit code and print the same on stdout and stderr. The home holds a
 * session, so some lines are cache hits; the identity provider answers every request with the
 * same token, so a miss prints the same as well.
 */
const tenant = 'contoso.onmicrosoft.com';
const clientId = '7e57c11e-0000-4000-8000-00000000c11e';
const resource = 'https://vault.azure.net';
const token = 'FUZZ-FAST-PATH-TOKEN';

let server: Server;
let url: string;
let template: string;
before(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token_type: 'Bearer', access_token: token, expires_in: 3600, ext_expires_in: 3600 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A user home with one stored session: the template of every run's home.
  template = mkdtempSync(join(tmpdir(), 'azsess-fast-path-'));
  const seeded = await runOnce(['token', '--protocol', 'client-credentials', '--tenant', tenant, '--client-id', clientId, '--resource', resource], template, true);
  assert.equal(seeded.code, 0, seeded.stderr);
});
after(() => {
  server.close();
  rmSync(template, { recursive: true, force: true });
});

/** The parts of an output that differ from run to run whatever the parser: where, when, and the retries' timing. */
function normalised(text: string, userHome: string): string {
  return text
    .replaceAll(userHome, '<home>')
    .replace(/^azsess: Retry .*\n/gm, '')
    .replace(/\d+ attempts? in [\d.]+ m?s/g, '<attempts>')
    .replace(/client-request-id [\w-]+/g, 'client-request-id <id>')
    .replace(/\d{4}-\d\d-\d\d[T ][\d:.]+Z?/g, '<time>')
    .replace(/\b1\d{9}\b/g, '<epoch>');
}

const gitRequest = 'protocol=https\nhost=dev.azure.com\n\n';

async function runOnce(args: string[], userHome: string, fastPath: boolean): Promise<RunOutcome> {
  const out = capture();
  const err = capture();
  const ctx: CliContext = {
    argv: ['node', 'azsess', ...args],
    env: cleanEnv({ userHome, env: { AZURE_AUTHORITY_HOST: url, AZURE_POD_IDENTITY_AUTHORITY_HOST: url, AZURE_CLIENT_SECRET: secret, CI: 'true', AZSESS_TIMEOUT: '3' } }),
    stdin: Readable.from([gitRequest]),
    stdout: out.stream,
    stderr: err.stream,
    stderrIsTTY: false,
    homedir: userHome,
    platform: 'linux',
    now: () => new Date(),
  };
  const sigint = process.listeners('SIGINT');
  const cwd = process.cwd();
  process.chdir(userHome);
  try {
    const code = await main(ctx, { fastPath });
    return { code, stdout: normalised(out.text(), userHome), stderr: normalised(err.text(), userHome) };
  } finally {
    process.chdir(cwd);
    for (const listener of process.listeners('SIGINT')) if (!sigint.includes(listener)) process.off('SIGINT', listener);
  }
}

/** Runs a command line in a copy of the template home. */
async function runInCopy(args: string[], fastPath: boolean): Promise<RunOutcome> {
  const userHome = mkdtempSync(join(tmpdir(), 'azsess-fast-path-'));
  try {
    cpSync(template, userHome, { recursive: true });
    return await runOnce(args, userHome, fastPath);
  } finally {
    rmSync(userHome, { recursive: true, force: true });
  }
}

/** Values worth giving an option: its choices, the stored session's settings, and the grammar's odd ones. */
const settingValues = fc.constantFrom('client-credentials', tenant, clientId, resource, `${resource}/.default`, '120', '1.5', '-1', 'h', 'bob@contoso.com');

/**
 * Words of a command line, from the command's spec: each of its flags (given its value, with `=`,
 * without one, with one it does not take), its short flags, an argument, and what no spec has.
 */
function words(spec: CommandSpec): fc.Arbitrary<string[]> {
  const option = fc.constantFrom(...spec.options);
  const choice = (o: (typeof spec.options)[number]) => (o.choices ? fc.constantFrom(...o.choices) : fc.constant('raw'));
  return fc.oneof(
    { weight: 6, arbitrary: option.chain((o) => fc.tuple(fc.oneof(choice(o), settingValues, value), fc.boolean()).map(([v, eq]) => (!takesValue(o) ? [longFlag(o)] : eq ? [`${longFlag(o)}=${v}`] : [longFlag(o), v]))) },
    { weight: 1, arbitrary: option.map((o) => [shortFlag(o) ?? longFlag(o)]) },
    { weight: 1, arbitrary: option.map((o) => [`${longFlag(o)}=x`]) },
    { weight: 1, arbitrary: fc.constantFrom<string[]>(['get'], ['store'], ['erase'], ['fetch'], ['--'], ['-vx'], ['--help'], ['--no-such-flag'], ['-'], ['constructor'], ['--scope']) },
  );
}

function commandLines(spec: CommandSpec, start: string[]): fc.Arbitrary<string[]> {
  return fc.array(words(spec), { maxLength: 6 }).map((ws) => [...start, ...ws.flat()])
    // A browser sign-in waits for a person, and a long deadline for an unreachable host.
    .filter((args) => !args.some((a) => /auth-?code/i.test(a)))
    .filter((args) => !args.some((a, i) => a.startsWith('--timeout') && Number(args[i + 1] ?? a.slice(10)) > 5));
}

/** The stored session's own settings, often: so that many generated lines are cache hits. */
const sessionArgs = ['--protocol', 'client-credentials', '--tenant', tenant, '--client-id', clientId];

const lines = fc.oneof(
  commandLines(tokenSpec, ['token']),
  commandLines(tokenSpec, ['token', ...sessionArgs, '--resource', resource]),
  commandLines(gitCredentialSpec, ['git-credential']),
  commandLines(gitCredentialSpec, ['git-credential', 'get', ...sessionArgs]),
);

/** Lines worth running every time: the (#20) and the ordinary calls of both helpers. */
const chosen: string[][] = [
  ['token', '--offset', '1.5'],
  ['token', ...sessionArgs, '--resource', resource, '--offset', '1.5', '--output', 'json'],
  ['token', ...sessionArgs, '--scope', `${resource}/.default`, '--min-validity=30', '--account', 'bob@contoso.com'],
  ['token', '--account', 'bob@contoso.com', '--login-hint', '--verbose'],
  ['token', ...sessionArgs, '--resource', resource, '--home', 'h', '-v', '--output=exec-credential'],
  ['git-credential', 'get', ...sessionArgs, '--account=bob@contoso.com'],
  ['git-credential', '--allow-host', '127.0.0.1:8080', 'get', ...sessionArgs],
  ['git-credential', 'fetch', ...sessionArgs],
];

test('the fast path and commander agree on chosen command lines', async () => {
  for (const args of chosen) assert.deepEqual(await runInCopy(args, true), await runInCopy(args, false), `azsess ${args.join(' ')}`);
});

test('the fast path and commander agree on exit code and output for 300 generated command lines', async () => {
  let fastOnes = 0;
  let hits = 0;
  for (const args of fc.sample(lines, { numRuns: 300, seed: seed + 2 })) {
    const fast = await runInCopy(args, true);
    const full = await runInCopy(args, false);
    const what = `azsess ${args.join(' ')} (FUZZ_SEED=${seed})`;
    checkRun(args, fast);
    assert.deepEqual(fast, full, `the fast path and commander disagree: ${what}`);
    if ((parseFastTokenArgs(args) ?? parseFastGitCredentialArgs(args)) !== undefined) fastOnes++;
    if (fast.code === 0 && fast.stdout.includes(token)) hits++;
  }
  // Not a vacuous comparison: many lines took the fast path, and many printed a token.
  assert.ok(fastOnes >= 50, `only ${fastOnes} of 300 lines took the fast path`);
  assert.ok(hits >= 15, `only ${hits} of 300 lines printed a token`);
});
