import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, TEST_USER2_PASSWORD, TEST_USER2_USERNAME, TEST_USERNAME } from '../idp/index.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

/** `azsess serve` with several accounts (issues 11 and 13 together): whose tokens, which command, which refusal. */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });

const BOB = { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD };
// The Azure CLI client is pre-authorised for Microsoft's resources, as in Entra.
const env = () => idpEnv(fx.idp, { AZURE_CLIENT_ID: fx.idp.azureCliClientId });
const login = (who: { username?: string; password?: string } = {}) =>
  withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() }, who);
const oidOf = (username: string) => fx.idp.users.find((u) => u.username === username)!.oid;
const refreshTokens = () => readStoredSessions(fx.tmp.home).map((s) => s.refreshToken).sort();

async function withServe(args: string[], fn: (get: (query: string) => Promise<{ status: number; body: Record<string, string> }>) => Promise<void>) {
  const s: ServeProcess = await startServe(['--protocol', 'device-code', ...args], { userHome: fx.tmp.userHome, env: env() });
  try {
    await fn(async (query) => {
      const res = await fetch(`${s.endpoint}?api-version=2019-08-01&${query}`, { headers: { 'X-IDENTITY-HEADER': s.header } });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    });
  } finally {
    const end = await s.stop();
    assert.equal(end.code, 0, end.stderr);
  }
}

const userOf = (token: string) => {
  const claims = decodeJwt(token);
  return claims.preferred_username ?? claims.upn;
};

describe('azsess serve with several accounts', () => {
  test("--account serves that account's tokens, not the default's, and object_id is checked against its oid", async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login(BOB)).code, 0);
    await withServe(['--account', TEST_USERNAME], async (get) => {
      const arm = await get('resource=https://management.azure.com');
      assert.equal(arm.status, 200, arm.body.error_description);
      assert.equal(userOf(arm.body.access_token!), TEST_USERNAME);
      const storage = await get('resource=https://storage.azure.com');
      assert.equal(storage.status, 200, storage.body.error_description);
      assert.equal(userOf(storage.body.access_token!), TEST_USERNAME, "a new audience from alice's refresh token");
      assert.equal((await get(`resource=https://management.azure.com&object_id=${oidOf(TEST_USERNAME)}`)).status, 200);
      const bobs = await get(`resource=https://management.azure.com&principal_id=${oidOf(BOB.username)}`);
      assert.equal(bobs.status, 400);
      assert.equal(bobs.body.access_token, undefined);
    });
    await withServe([], async (get) => {
      const arm = await get('resource=https://management.azure.com');
      assert.equal(userOf(arm.body.access_token!), BOB.username, 'without --account: the account that signed in last');
    });
  });

  test('a person needed: 401 whose message is the exact login command, with --account, --tenant and --client-id', async () => {
    assert.equal((await login()).code, 0);
    await withServe(['--account', 'dave@azsess-test.onmicrosoft.com'], async (get) => {
      const r = await get('resource=https://management.azure.com');
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'interaction_required');
      assert.match(
        r.body.error_description!,
        new RegExp(`run: azsess login --protocol device-code .*--tenant \\S+ --client-id ${fx.idp.azureCliClientId} .*--account dave@azsess-test\\.onmicrosoft\\.com`),
      );
    });
  });

  test("refused refreshes through serve: MFA 401 with Entra's code and the login command, Conditional Access and an unknown resource 400; no refresh token dropped", async () => {
    assert.equal((await login()).code, 0);
    const before = refreshTokens();
    await withServe(['--account', TEST_USERNAME], async (get) => {
      fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 50076 });
      const mfa = await get('resource=https://vault.azure.net');
      assert.equal(mfa.status, 401);
      assert.equal(mfa.body.error, 'interaction_required');
      assert.match(mfa.body.error_description!, /AADSTS50076/);
      assert.match(mfa.body.error_description!, /run: azsess login .*--scope https:\/\/vault\.azure\.net\/\.default .*--account alice@azsess-test\.onmicrosoft\.com/);
      fx.idp.clearRefusals();
      fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 53003 });
      const blocked = await get('resource=https://vault.azure.net');
      assert.equal(blocked.status, 400);
      assert.equal(blocked.body.error, 'invalid_grant', "Entra's error");
      assert.match(blocked.body.error_description!, /AADSTS53003.*--protocol auth-code/);
      fx.idp.clearRefusals();
      fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 500011 });
      const unknown = await get('resource=https://vault.azure.net');
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error_description!, /AADSTS500011.*https:\/\/vault\.azure\.net/);
      fx.idp.clearRefusals();
    });
    assert.deepEqual(refreshTokens(), before, 'no refresh token was dropped');
  });

  test('without --account, the account served first stays the one served when another person signs in meanwhile', async () => {
    assert.equal((await login()).code, 0);
    await withServe([], async (get) => {
      assert.equal(userOf((await get('resource=https://management.azure.com')).body.access_token!), TEST_USERNAME);
      assert.equal((await login(BOB)).code, 0);
      const arm = await get('resource=https://management.azure.com');
      assert.equal(arm.status, 200, arm.body.error_description);
      assert.equal(userOf(arm.body.access_token!), TEST_USERNAME, "bob's sign-in does not change whose tokens this server hands out");
      const storage = await get('resource=https://storage.azure.com');
      assert.equal(userOf(storage.body.access_token!), TEST_USERNAME);
    });
  });
});
