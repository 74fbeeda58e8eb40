import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { expireStoredTokens } from '../support/idp-session.js';
import { fixturesDir } from '../support/paths.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

/**
 * Inputs a week of real use produces (issue 12, "Secrets and hosts" and "Retries and messages"),
 * each answered with one sentence and its documented exit code. No network: every case here
 * ends before a request.
 */

let tmp: TmpHome;
beforeEach(() => {
  tmp = makeTmpHome();
});
afterEach(() => tmp.cleanup());

const azsess = (args: string[], env: Record<string, string> = {}, input?: string) =>
  runCli(args, { userHome: tmp.userHome, env, ...(input !== undefined ? { input } : {}) });

function assertOneSentence(result: CliResult, exitCode: number, pattern: RegExp) {
  assert.equal(result.code, exitCode, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
}

describe('command-line messages', () => {
  test('a mistyped command or option names the nearest one without stray punctuation', async () => {
    const command = await azsess(['tokn']);
    assertOneSentence(command, 2, /Unknown command 'tokn' \(perhaps 'token'\); run 'azsess --help' for the usage\.\n$/);
    const option = await azsess(['status', '--outptu', 'json']);
    assertOneSentence(option, 2, /Unknown option '--outptu' \(perhaps '--output'\); run 'azsess status --help' for the usage\.\n$/);
  });

  test('--scope followed by another flag says --scope needs a value (fast parser and commander)', async () => {
    assertOneSentence(await azsess(['token', '--scope', '--resource', 'https://vault.azure.net']), 2, /--scope needs a value/);
    const verbose = await azsess(['token', '--scope', '--verbose']);
    assert.equal(verbose.code, 2);
    assert.match(verbose.stderr, /error: --scope needs a value/);
    assertOneSentence(await azsess(['login', '--scope', '--tenant', 'common']), 2, /--scope needs a value/);
    assertOneSentence(await azsess(['token', '--resource', '--scope', 'x']), 2, /--resource needs a value/);
  });

  test('--cloud with --authority-host is a conflict, exit 2 (fast parser and commander)', async () => {
    const args = ['--cloud', 'usgov', '--authority-host', 'login.example.com', '--no-interactive'];
    assertOneSentence(await azsess(['token', ...args]), 2, /--cloud and --authority-host/);
    const verbose = await azsess(['token', ...args, '--verbose']);
    assert.equal(verbose.code, 2);
    assert.match(verbose.stderr, /error: --cloud and --authority-host/);
    assertOneSentence(await azsess(['status', '--cloud', 'china', '--authority-host', 'login.example.com']), 2, /--cloud and --authority-host/);
  });

  test("--home '' is a usage error, not the default home (fast parser and commander)", async () => {
    assertOneSentence(await azsess(['token', '--home', '', '--no-interactive']), 2, /--home needs a directory/);
    assertOneSentence(await azsess(['status', '--home', '']), 2, /--home needs a directory/);
    assertOneSentence(await azsess(['--home=', 'status']), 2, /--home needs a directory/);
  });

  test('the permission warning says what the files hold', async () => {
    await azsess(['write-manifest', '--client-id', 'app-1']);
    chmodSync(join(tmp.home, 'manifest.json'), 0o644);
    const r = await azsess(['status']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /they hold tokens/);
    assert.match(r.stderr, /files in .* are open to other users, and the manifest may hold a client secret; fix it with: chmod 600 /);
    mkdirSync(tmp.home, { recursive: true });
    copyFileSync(join(fixturesDir, 'sessions.json'), join(tmp.home, 'sessions.json'));
    chmodSync(join(tmp.home, 'sessions.json'), 0o644);
    chmodSync(join(tmp.home, 'manifest.json'), 0o600);
    const sessions = await azsess(['status']);
    assert.match(sessions.stderr, /open to other users, and sessions\.json holds tokens/);
  });

  test('status shows no expiry countdown for a scrubbed session', async () => {
    mkdirSync(tmp.home, { recursive: true, mode: 0o700 });
    copyFileSync(join(fixturesDir, 'sessions.json'), join(tmp.home, 'sessions.json'));
    chmodSync(join(tmp.home, 'sessions.json'), 0o600);
    expireStoredTokens(tmp.home, -3600);
    assert.equal((await azsess(['scrub'])).code, 0);
    const text = await azsess(['status']);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /\(in \d+ min\)/);
    assert.match(text.stdout, /no access token \(scrubbed\), refresh token: no/);
    const json = JSON.parse((await azsess(['status', '--output', 'json'])).stdout) as { sessions: Array<{ access_token: boolean }> };
    assert.ok(json.sessions.every((s) => s.access_token === false));
  });
});

describe('git-credential', () => {
  test('an operation git may add later is ignored: exit 0, nothing printed (gitcredentials(7))', async () => {
    for (const op of ['list', 'capability', 'frobnicate']) {
      const r = await azsess(['git-credential', op], {}, 'protocol=https\nhost=dev.azure.com\n\n');
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], op);
    }
    const options = await azsess(['git-credential', '--tenant', 'common', 'list'], {}, '');
    assert.deepEqual([options.code, options.stdout, options.stderr], [0, '', '']);
  });
});

describe('authority and proxy settings', () => {
  test('userinfo in an authority URL is refused and never printed: exit 2 for the flag, 6 for the environment', async () => {
    const flag = await azsess(['token', '--authority-host', 'https://alice:hunter2-pw@login.example.com', '--no-interactive']);
    assertOneSentence(flag, 2, /--authority-host .*user name or password/);
    const env = await azsess(['token', '--no-interactive'], { AZURE_AUTHORITY_HOST: 'http://alice:hunter2-pw@127.0.0.1:9' });
    assertOneSentence(env, 6, /AZURE_AUTHORITY_HOST .*user name or password/);
    const status = await azsess(['status', '--authority-host', 'alice:hunter2-pw@login.example.com']);
    assertOneSentence(status, 2, /--authority-host/);
    for (const r of [flag, env, status]) assert.doesNotMatch(r.stderr, /alice|hunter2/);
  });

  test("HTTPS_PROXY='not a url' is a configuration error, exit 6, before any request", async () => {
    const env = { AZURE_CLIENT_SECRET: 'a-secret-of-some-length', AZURE_TENANT_ID: 'contoso.onmicrosoft.com', AZURE_CLIENT_ID: 'app' };
    const r = await azsess(['token', '--protocol', 'client-credentials', '--timeout', '30'], { ...env, HTTPS_PROXY: 'not a url' });
    assertOneSentence(r, 6, /The proxy in HTTPS_PROXY \('not a url'\) is not a URL such as http:\/\/proxy\.example\.com:3128; fix or unset HTTPS_PROXY\./);
    const withPassword = await azsess(['token', '--protocol', 'client-credentials'], { ...env, https_proxy: 'bob:s3cret-pw@proxy:no-port' });
    assertOneSentence(withPassword, 6, /https_proxy/);
    assert.doesNotMatch(withPassword.stderr, /s3cret-pw/);
  });
});
