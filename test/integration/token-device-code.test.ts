import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdp, decodeJwt, type TestIdp } from '../idp/index.js';
import { DEVICE_CODE_GRANT, expireStoredTokens, idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';

const fx = useIdpAndHome({ deviceCodeInterval: 1 });

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, env) });
const login = (args: string[] = [], approval = {}) =>
  withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code', '--verbose', ...args], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) }, approval);

function assertNoLeaks(...texts: string[]) {
  assert.deepEqual(fx.idp.issued.findIn(texts.join('\n')), [], 'no token, refresh token or secret on stderr');
}

describe('device code sign-in', () => {
  test('login signs in, records an AzSessions.jl device code session, and the next token is a cache hit', async () => {
    const signedIn = await login();
    assert.equal(signedIn.code, 0, signedIn.stderr);
    assert.equal(signedIn.stdout, '');
    assert.match(signedIn.stderr, /Signed in as alice@azsess-test\.onmicrosoft\.com in tenant 7e57a1d0/);
    const [session] = readStoredSessions(fx.tmp.home);
    assert.equal(session!.protocol, 'AzDeviceCodeFlowCredentials');
    assert.deepEqual(session!.scope, ['openid', 'offline_access', 'https://management.azure.com/user_impersonation']);
    assert.ok(session!.scopeAuth.includes('https://storage.azure.com/user_impersonation'), 'consent asked up front');
    assert.ok(session!.refreshToken.length > 0);
    assert.equal(session!.authority, fx.idp.url);

    fx.idp.requests.reset();
    const token = await run(['token', '--verbose']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(token.stdout, `${session!.token}\n`);
    assert.equal(fx.idp.requests.count(), 0, 'a cache hit makes no request');
    assertNoLeaks(signedIn.stderr, token.stderr);
  });

  test('an expired token makes exactly one refresh, and the rotated refresh token is stored', async () => {
    assert.equal((await login()).code, 0);
    const before = readStoredSessions(fx.tmp.home)[0]!;
    expireStoredTokens(fx.tmp.home);
    fx.idp.requests.reset();
    const token = await run(['token', '--verbose']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(fx.idp.requests.count(), 1);
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
    const after = readStoredSessions(fx.tmp.home)[0]!;
    assert.equal(token.stdout, `${after.token}\n`);
    assert.notEqual(after.refreshToken, before.refreshToken, 'the new refresh token replaced the old one');
    assert.equal(fx.idp.issued.kindOf(after.refreshToken), 'refresh_token');
    assert.ok(after.expiry.getTime() > Date.now() + 3000_000);
    assertNoLeaks(token.stderr);
  });

  test('a new audience takes one refresh and no sign-in, and is recorded as its own session', async () => {
    assert.equal((await login()).code, 0);
    fx.idp.requests.reset();
    const storage = await run(['token', '--scope', 'https://storage.azure.com/.default', '--no-interactive']);
    assert.equal(storage.code, 0, storage.stderr);
    assert.equal(decodeJwt(storage.stdout.trim()).aud, 'https://storage.azure.com');
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0);
    const sessions = readStoredSessions(fx.tmp.home);
    assert.equal(sessions.length, 2);
    assert.deepEqual(sessions[0]!.scope, ['openid', 'offline_access', 'https://storage.azure.com/.default']);
    fx.idp.requests.reset();
    assert.equal((await run(['token', '--scope', 'https://storage.azure.com/.default'])).code, 0);
    assert.equal(fx.idp.requests.count(), 0, 'the new session is cached');
  });

  test('an audience not consented at sign-in needs a sign-in: exit 3 without a terminal', async () => {
    assert.equal((await login()).code, 0);
    const vault = await run(['token', '--scope', 'https://vault.azure.net/.default']);
    assert.equal(vault.code, 3, vault.stderr);
    assert.match(vault.stderr, /run: azsess login --protocol device-code .*--scope https:\/\/vault\.azure\.net\/\.default/);
    assert.equal(readStoredSessions(fx.tmp.home)[0]!.refreshToken.length > 0, true, 'the refresh token is not dead: kept');
  });

  test('32 concurrent token processes on an expired session make one request and print the same token', async () => {
    assert.equal((await login()).code, 0);
    expireStoredTokens(fx.tmp.home);
    fx.idp.requests.reset();
    const results = await Promise.all(Array.from({ length: 32 }, () => run(['token'])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 1);
    assert.equal(new Set(results.map((r) => r.stdout)).size, 1);
  });

  test('a revoked refresh token is dropped and, without a terminal, exit 3 names the login command', async () => {
    assert.equal((await login()).code, 0);
    expireStoredTokens(fx.tmp.home);
    fx.idp.revokeRefreshTokens();
    const r = await run(['token', '--verbose']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /run: azsess login --protocol device-code --authority-host http:\/\/127\.0\.0\.1:\d+ --tenant 7e57a1d0-0000-4000-8000-00000000a2e5 --client-id 7e57c11e-0000-4000-8000-00000000b0b1 --scope https:\/\/management\.azure\.com\/user_impersonation/);
    assert.equal(readStoredSessions(fx.tmp.home)[0]!.refreshToken, '', 'the dead refresh token is gone');
    assertNoLeaks(r.stderr);
  });

  test('with --interactive, a dead refresh token leads to a new device code sign-in', async () => {
    assert.equal((await login()).code, 0);
    expireStoredTokens(fx.tmp.home);
    fx.idp.revokeRefreshTokens();
    const r = await withDeviceCodeApproval(fx.idp, ['token', '--interactive'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${readStoredSessions(fx.tmp.home)[0]!.token}\n`);
  });

  test('no session and no terminal: exit 3 naming the exact login command; --no-interactive likewise', async () => {
    for (const args of [['token'], ['token', '--no-interactive', '--scope', 'https://storage.azure.com/.default']]) {
      const r = await run(args);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /run: azsess login --protocol device-code /);
      assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0);
    }
  });

  test('a declined sign-in is exit 4 and records nothing', async () => {
    const r = await login([], { decline: true });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /declined/);
    assert.throws(() => readStoredSessions(fx.tmp.home));
  });

  test('--clear-cache with no terminal is refused (exit 2) and keeps the session (issue 19: it removed it first)', async () => {
    assert.equal((await login()).code, 0);
    const r = await run(['token', '--clear-cache']);
    assert.equal(r.code, 2, 'no sign-in can replace the session here');
    assert.equal(readStoredSessions(fx.tmp.home).length, 1);
  });
});

describe('device code sign-in that nobody completes', () => {
  let shortIdp: TestIdp;
  before(async () => {
    shortIdp = await startTestIdp({ deviceCodeInterval: 1, deviceCodeExpiresIn: 3 });
  });
  after(() => shortIdp.close());

  test('an expired device code is exit 4 with a sentence', async () => {
    const r = await withDeviceCodeApproval(shortIdp, ['login'], { userHome: fx.tmp.userHome, env: idpEnv(shortIdp) }, { skip: true });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /expired before the sign-in was completed/);
  });
});

describe('device code polling discipline, as the IdP records it', () => {
  const interval = 3;
  let pacedIdp: TestIdp;
  before(async () => {
    pacedIdp = await startTestIdp({ deviceCodeInterval: interval });
  });
  after(() => pacedIdp.close());

  test(`with interval ${interval} s: the first poll waits ${interval} s after the device code answer, and so does every later one`, async () => {
    // Approved only after the third poll, so there are at least three gaps to measure.
    const r = await withDeviceCodeApproval(pacedIdp, ['login', '--verbose'], { userHome: fx.tmp.userHome, env: idpEnv(pacedIdp) }, { afterPolls: 3 });
    assert.equal(r.code, 0, r.stderr);
    const issued = pacedIdp.requests.last({ endpoint: 'devicecode' })!;
    const polls = pacedIdp.requests.filter({ endpoint: 'token', grantType: DEVICE_CODE_GRANT }).map((p) => p.time);
    assert.ok(polls.length >= 4, `${polls.length} polls`);
    const gaps = [issued.time, ...polls].slice(1).map((t, i) => t - [issued.time, ...polls][i]!);
    for (const gap of gaps) assert.ok(gap >= interval * 1000, `gaps in ms, the first from the device code answer: ${gaps.join(', ')}`);
    assert.doesNotMatch(r.stderr, /poll more slowly/, 'never told slow_down');
  });
});
