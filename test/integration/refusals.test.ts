import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, GRAPH_APP_ID, TEST_USER2_PASSWORD, TEST_USER2_USERNAME, TEST_USERNAME } from '../idp/index.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { expireStoredTokens, idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';

/** Issue 11: Graph's app-id audience, and refusals of one resource that never destroy a session. */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });

const GRAPH = 'https://graph.microsoft.com/.default';
const VAULT = 'https://vault.azure.net/.default';
// The Azure CLI client is pre-authorised for Microsoft's resources, as in Entra.
const env = () => idpEnv(fx.idp, { AZURE_CLIENT_ID: fx.idp.azureCliClientId });
const run = (args: string[]) => runCli(args, { userHome: fx.tmp.userHome, env: env() });
const login = (args: string[] = []) =>
  withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code', ...args], { userHome: fx.tmp.userHome, env: env() });

function refreshTokens(): string[] {
  return readStoredSessions(fx.tmp.home).map((s) => s.refreshToken);
}

describe('audiences named by app id', () => {
  test('finding 3: a Graph token is served from the cache: zero requests, also for five at once', async () => {
    assert.equal((await login()).code, 0);
    const first = await run(['token', '--scope', GRAPH, '--no-interactive']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(decodeJwt(first.stdout.trim()).aud, GRAPH_APP_ID);
    fx.idp.requests.reset();
    const again = await Promise.all(Array.from({ length: 5 }, () => run(['token', '--scope', GRAPH])));
    for (const r of again) assert.equal(r.stdout, first.stdout, r.stderr);
    assert.equal(fx.idp.requests.count(), 0);
  });
});

describe('refusals of one resource', () => {
  test('finding 2: MFA demanded for Key Vault keeps every refresh token, and Graph still refreshes', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await run(['token', '--scope', GRAPH, '--no-interactive'])).code, 0);
    const before = refreshTokens();
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 50076 });
    const vault = await run(['token', '--scope', VAULT, '--no-interactive']);
    assert.equal(vault.code, 3, vault.stderr);
    assert.deepEqual(refreshTokens(), before, 'no refresh token was dropped');
    expireStoredTokens(fx.tmp.home);
    const graph = await run(['token', '--scope', GRAPH, '--no-interactive']);
    assert.equal(graph.code, 0, graph.stderr);
  });

  test('finding 5: MFA: exit 3 quoting AADSTS50076 and its reason, then the exact login command with --account; no trace id', async () => {
    assert.equal((await login()).code, 0);
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 50076 });
    const r = await run(['token', '--scope', VAULT, '--no-interactive']);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => !/Unsupported runtime/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(r.stderr, /AADSTS50076/);
    assert.match(r.stderr, /multi-factor authentication/);
    assert.match(r.stderr, /run: azsess login --protocol device-code .*--scope https:\/\/vault\.azure\.net\/\.default .*--account alice@azsess-test\.onmicrosoft\.com/);
    assert.doesNotMatch(r.stderr, /trace id|correlation id/i);
    const verbose = await run(['token', '--scope', VAULT, '--no-interactive', '--verbose']);
    assert.match(verbose.stderr, /trace id/i, '--verbose keeps the ids');
  });

  test('with a terminal (--interactive), MFA for one resource leads to a sign-in for it; the other sessions stay', async () => {
    assert.equal((await login()).code, 0);
    const arm = readStoredSessions(fx.tmp.home)[0]!;
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 50076, times: 1 });
    const r = await withDeviceCodeApproval(fx.idp, ['token', '--scope', VAULT, '--interactive'], { userHome: fx.tmp.userHome, env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /AADSTS50076.*signing in again/, 'the person hears why a sign-in starts');
    assert.equal(decodeJwt(r.stdout.trim()).aud, 'https://vault.azure.net');
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 2);
    const sessions = readStoredSessions(fx.tmp.home);
    assert.equal(sessions.length, 2);
    assert.equal(sessions.find((s) => s.scope.includes('https://management.azure.com/user_impersonation'))!.refreshToken, arm.refreshToken);
  });

  test('finding 5: Conditional Access (53003) is exit 4 suggesting auth-code or a compliant device, not a device-code sign-in', async () => {
    assert.equal((await login()).code, 0);
    const before = refreshTokens();
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 53003 });
    const r = await run(['token', '--scope', VAULT, '--interactive']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /AADSTS53003/);
    assert.match(r.stderr, /--protocol auth-code/);
    assert.match(r.stderr, /compliant/);
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 1, 'no new sign-in was started');
    assert.deepEqual(refreshTokens(), before);
  });

  test('an unknown resource (500011) is exit 4 naming it; the refresh token is kept', async () => {
    assert.equal((await login()).code, 0);
    const before = refreshTokens();
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 500011 });
    const r = await run(['token', '--scope', VAULT, '--interactive']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /AADSTS500011/);
    assert.match(r.stderr, /https:\/\/vault\.azure\.net/);
    assert.deepEqual(refreshTokens(), before);
  });

  test('consent missing (65001) is exit 3 with the login command; a dead token (50173) drops only that session’s refresh token', async () => {
    assert.equal((await login()).code, 0);
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 65001 });
    const consent = await run(['token', '--scope', VAULT, '--no-interactive']);
    assert.equal(consent.code, 3, consent.stderr);
    assert.match(consent.stderr, /AADSTS65001.*run: azsess login /);
    fx.idp.clearRefusals();
    // alice's refresh token is revoked; bob, who signs in after, has a live one beside it.
    fx.idp.revokeRefreshTokens();
    const bob = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() }, {
      username: TEST_USER2_USERNAME,
      password: TEST_USER2_PASSWORD,
    });
    assert.equal(bob.code, 0, bob.stderr);
    expireStoredTokens(fx.tmp.home);
    const dead = await run(['token', '--no-interactive', '--account', TEST_USERNAME]);
    assert.equal(dead.code, 3, dead.stderr);
    assert.match(dead.stderr, /AADSTS50173/);
    const tokens = refreshTokens();
    assert.equal(tokens.filter((t) => t === '').length, 1, 'the dead refresh token is dropped');
    assert.equal(tokens.filter((t) => t !== '').length, 1, "bob's refresh token stays");
    const bobAgain = await run(['token', '--no-interactive', '--account', TEST_USER2_USERNAME]);
    assert.equal(bobAgain.code, 0, bobAgain.stderr);
  });

  test('a dead refresh token dropped on the way to a sign-in is said, with Entra’s code, before the prompt', async () => {
    assert.equal((await login()).code, 0);
    expireStoredTokens(fx.tmp.home);
    fx.idp.revokeRefreshTokens();
    const r = await withDeviceCodeApproval(fx.idp, ['token', '--interactive'], { userHome: fx.tmp.userHome, env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /AADSTS50173.*no longer valid.*signing in again/);
  });
});

/** The words of a printed shell command, with '…' quoting as azsess prints it. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

describe('a step-up through the printed login command (issue 19)', () => {
  test('50076 with a claims request: exit 3 prints azsess login --claims …; that command signs in, and its step-up token is the one used', async () => {
    assert.equal((await login()).code, 0);
    const acrs = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 50076, claims: acrs });
    const refused = await run(['token', '--scope', VAULT, '--no-interactive']);
    assert.equal(refused.code, 3, refused.stderr);
    const printed = /run: (azsess login .*)$/m.exec(refused.stderr)?.[1];
    assert.ok(printed, refused.stderr);
    const words = shellWords(printed!);
    assert.deepEqual(words.slice(0, 2), ['azsess', 'login']);
    assert.equal(words[words.indexOf('--claims') + 1], acrs, 'the claims Entra asked for');
    const stepUp = await withDeviceCodeApproval(fx.idp, words.slice(1), { userHome: fx.tmp.userHome, env: env() });
    assert.equal(stepUp.code, 0, stepUp.stderr);
    assert.deepEqual(decodeJwt(readStoredSessions(fx.tmp.home).find((s) => s.scope.includes('https://vault.azure.net/.default'))!.token).acrs, ['c1']);
    // Refreshes for Key Vault are still refused: the token comes from the step-up, with no request.
    fx.idp.requests.reset();
    const used = await run(['token', '--scope', VAULT, '--no-interactive']);
    assert.equal(used.code, 0, used.stderr);
    assert.deepEqual(decodeJwt(used.stdout.trim()).acrs, ['c1'], 'the step-up token is used');
    assert.equal(fx.idp.requests.count(), 0);
  });
});
