import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJwt, TEST_USER2_PASSWORD, TEST_USER2_USERNAME } from '../idp/index.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { DEVICE_CODE_GRANT, idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';

/**
 * Issue 19 item 3: `--clear-cache` replaces the session when the new one is saved, never before. Each
 * row of the table started with one good session and ended with none; now a sign-in that does
 * not complete leaves the file as it was, and where no sign-in can happen the flag is refused up front.
 */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });

const ALICE = 'alice@azsess-test.onmicrosoft.com';
const BOB = { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD };

const env = () => idpEnv(fx.idp);
const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, extra) });
const signIn = (args: string[], approval: Parameters<typeof withDeviceCodeApproval>[3] = {}) =>
  withDeviceCodeApproval(fx.idp, [...args, '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() }, approval);
const sessionsFile = () => readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8');

/** One good session of alice's, and the file's bytes, to compare after the command. */
async function oneGoodSession(): Promise<string> {
  const r = await signIn(['login']);
  assert.equal(r.code, 0, r.stderr);
  return sessionsFile();
}

describe('--clear-cache replaces, never removes first', () => {
  test('token --clear-cache with no terminal, or --no-interactive: exit 2 before touching anything, and says so', async () => {
    const before = await oneGoodSession();
    for (const extra of [[], ['--no-interactive']]) {
      fx.idp.requests.reset();
      const r = await run(['token', '--clear-cache', '--protocol', 'device-code', ...extra]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /--clear-cache needs a sign-in, and none can happen here/);
      assert.match(r.stderr, /nothing was removed/);
      assert.match(r.stderr, /azsess login .*--clear-cache|azsess login/);
      assert.equal(fx.idp.requests.count(), 0, 'no request either');
      assert.equal(sessionsFile(), before, 'the session is as it was');
    }
    const still = await run(['token', '--protocol', 'device-code']);
    assert.equal(still.code, 0, still.stderr);
  });

  test('login --clear-cache, the person declines: exit 4, and the session is as it was', async () => {
    const before = await oneGoodSession();
    const r = await signIn(['login', '--clear-cache'], { decline: true });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /declined/);
    assert.equal(sessionsFile(), before);
  });

  test('login --clear-cache, Ctrl-C: exit 130, "nothing was saved", and the session is as it was', async () => {
    const before = await oneGoodSession();
    fx.idp.requests.reset();
    const r = await runCli(['login', '--clear-cache', '--protocol', 'device-code'], {
      userHome: fx.tmp.userHome,
      env: env(),
      onSpawn: (child) => void fx.idp.requests.waitFor({ endpoint: 'token', grantType: DEVICE_CODE_GRANT }).then(() => child.kill('SIGINT')),
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /nothing was saved/);
    assert.equal(sessionsFile(), before);
  });

  test('login --clear-cache --account alice, approved as bob: exit 4, "nothing was stored", and alice keeps her session', async () => {
    const before = await oneGoodSession();
    const r = await signIn(['login', '--clear-cache', '--account', ALICE], BOB);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /nothing was stored/);
    assert.equal(sessionsFile(), before);
  });

  test('login --clear-cache that nobody completes before --timeout: the session is as it was', async () => {
    const before = await oneGoodSession();
    const r = await signIn(['login', '--clear-cache', '--timeout', '2'], { skip: true });
    assert.notEqual(r.code, 0, r.stderr);
    assert.equal(sessionsFile(), before);
  });

  test('login --clear-cache that completes replaces the session with the new one', async () => {
    await oneGoodSession();
    const [old] = readStoredSessions(fx.tmp.home);
    const r = await signIn(['login', '--clear-cache']);
    assert.equal(r.code, 0, r.stderr);
    const sessions = readStoredSessions(fx.tmp.home);
    assert.equal(sessions.length, 1);
    assert.notEqual(sessions[0]!.refreshToken, old!.refreshToken, 'the new sign-in is stored');
  });

  test('token --clear-cache --interactive signs in anew, prints the new token and replaces the session', async () => {
    await oneGoodSession();
    const [old] = readStoredSessions(fx.tmp.home);
    const r = await signIn(['token', '--clear-cache', '--interactive']);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(r.stdout.trim(), old!.token, 'the cached token was not handed out');
    assert.equal(decodeJwt(r.stdout.trim()).preferred_username ?? decodeJwt(r.stdout.trim()).upn, ALICE);
    const sessions = readStoredSessions(fx.tmp.home);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.token, r.stdout.trim());
  });

  test('token --clear-cache of an app-only protocol needs no terminal and replaces the token', async () => {
    const app = fx.appEnv();
    const first = await runCli(['token', '--protocol', 'client-credentials'], { userHome: fx.tmp.userHome, env: app });
    assert.equal(first.code, 0, first.stderr);
    const again = await runCli(['token', '--protocol', 'client-credentials', '--clear-cache'], { userHome: fx.tmp.userHome, env: app });
    assert.equal(again.code, 0, again.stderr);
    assert.notEqual(again.stdout, first.stdout);
    assert.equal(readStoredSessions(fx.tmp.home).filter((s) => s.protocol === 'AzClientCredentials').length, 1);
  });
});
