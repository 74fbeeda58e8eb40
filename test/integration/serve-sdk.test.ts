import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, startImdsFake, TEST_SYSTEM_IDENTITY, TEST_USER_ASSIGNED_IDENTITY, TEST_USERS } from '../idp/index.js';
import { expireStoredTokens, idpEnv, readStoredSessions } from '../support/idp-session.js';
import { requires } from '../support/requires.js';
import { runCli } from '../support/run-cli.js';
import { alice, useServeFixture } from '../support/serve-fixture.js';
import { jsGetToken, pythonGetToken, startServe } from '../support/serve-process.js';

/**
 * `azsess serve` through the real SDKs, as their users run them: a program with nothing but
 * IDENTITY_ENDPOINT and IDENTITY_HEADER set gets the signed-in person's tokens, from the same
 * cache and engine as `azsess token`.
 */

const { fx, sdkHome, login, withServe, refreshes, assertAlicesToken } = useServeFixture();
const storage = 'https://storage.azure.com/.default';
const management = 'https://management.azure.com/.default';

describe('azsess serve through the Azure SDKs', () => {
  test('JavaScript ManagedIdentityCredential gets the signed-in person\'s token for the resource, from the cache azsess token uses', async () => {
    await login();
    await withServe([], async (s) => {
      fx.idp.requests.reset();
      const first = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(first.errors, []);
      assertAlicesToken(first.tokens[0], 'https://storage.azure.com');
      assert.equal(refreshes(), 1, 'a new audience: one refresh, no sign-in');
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 200 from refreshed \d+ ms$/);

      fx.idp.requests.reset();
      const again = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(again.tokens, first.tokens);
      const cli = await runCli(['token', '--resource', 'https://storage.azure.com'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
      assert.equal(cli.stdout.trim(), first.tokens[0], 'azsess token answers from the same session');
      assert.equal(fx.idp.requests.count(), 0, 'cache hits make no request to the identity provider');
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 200 from cache \d+ ms$/);
    });
  });

  test('Python (Debian python3-azure) ManagedIdentityCredential gets the token; a cache hit makes no request', { skip: requires('python3-azure') }, async () => {
    await login();
    await withServe([], async (s) => {
      fx.idp.requests.reset();
      const first = await pythonGetToken(s, { scope: management, home: sdkHome() });
      assert.deepEqual(first.errors, []);
      assertAlicesToken(first.tokens[0], 'https://management.azure.com');
      assert.equal(refreshes(), 1, 'the sign-in consented to it: one refresh');
      const stored = readStoredSessions(fx.tmp.home).find((x) => x.scope.includes(management));
      assert.equal(first.tokens[0], stored?.token, 'the token is the stored session\'s');
      fx.idp.requests.reset();
      const again = await pythonGetToken(s, { scope: management, home: sdkHome() });
      assert.deepEqual(again.tokens, first.tokens);
      assert.equal(fx.idp.requests.count(), 0, 'a cache hit makes no request to the identity provider');
    });
  });

  test('JavaScript DefaultAzureCredential picks the served identity when only the two variables are set', async () => {
    await login();
    await withServe([], async (s) => {
      const r = await jsGetToken(s, 'default', { scope: management, home: sdkHome() });
      assert.deepEqual(r.errors, []);
      assertAlicesToken(r.tokens[0], 'https://management.azure.com');
    });
  });

  test('100 concurrent getToken calls for an expired session make one refresh', async () => {
    await login();
    expireStoredTokens(fx.tmp.home);
    await withServe([], async (s) => {
      fx.idp.requests.reset();
      const r = await jsGetToken(s, 'managed-identity', { scope: management, count: 100, home: sdkHome() });
      assert.deepEqual(r.errors, []);
      assert.equal(r.tokens.length, 100);
      assert.equal(new Set(r.tokens).size, 1, 'every call got the one fresh token');
      assertAlicesToken(r.tokens[0], 'https://management.azure.com');
      assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 1, 'one refresh for all of them');
      const served = s.stderr().split('\n').filter((l) => / https:\/\/management\.azure\.com 200 /.test(l));
      assert.ok(served.length > 1, `the SDK calls reached the server at once (${served.length} requests)`);
      assert.equal(served.filter((l) => / 200 from refreshed /.test(l)).length, 1, 'one engine call: the others shared it or found its token');
    });
  });

  test('a wrong header and a resource outside --allow-resource get no token and cause no request', async () => {
    await login();
    await withServe(['--allow-resource', 'https://management.azure.com'], async (s) => {
      fx.idp.requests.reset();
      const wrong = await jsGetToken(s, 'managed-identity', { scope: management, home: sdkHome(), env: { IDENTITY_HEADER: 'not-the-secret' } });
      assert.deepEqual(wrong.tokens, []);
      assert.match(wrong.errors[0] ?? '', /X-IDENTITY-HEADER header is missing or wrong/);
      const forbidden = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(forbidden.tokens, []);
      assert.match(forbidden.errors[0] ?? '', /--allow-resource https:\/\/storage\.azure\.com/);
      assert.equal(fx.idp.requests.count(), 0);
      await s.waitForStderr(/ - 401 wrong or missing X-IDENTITY-HEADER \d+ ms$/);
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 403 resource not allowed \d+ ms$/);
      assert.ok(!s.stderr().includes(s.header), 'the secret is never logged');
    });
  });

  test('a request that needs a person to sign in gets 401 naming the exact azsess login command, and no sign-in starts', async () => {
    await withServe([], async (s) => {
      const r = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(r.tokens, []);
      const command = `azsess login --protocol device-code --authority-host ${fx.idp.url} --tenant ${fx.idp.tenantId} --client-id ${fx.idp.publicClientId} --scope ${storage}`;
      assert.ok(r.errors[0]?.includes(command), r.errors[0]);
      assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0);
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 401 sign-in needed \d+ ms$/);
    });
  });

  test('a refused refresh reaches the SDK user as the identity provider\'s error and description', async () => {
    const env = fx.appEnv({ AZURE_CLIENT_SECRET: 'not-the-secret' });
    const stderr = await withServe(
      ['--protocol', 'client-credentials'],
      async (s) => {
        const r = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
        assert.deepEqual(r.tokens, []);
        assert.match(r.errors[0] ?? '', /invalid_client.*AADSTS7000215/s);
        const raw = await fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://storage.azure.com`, { headers: { 'X-IDENTITY-HEADER': s.header } });
        assert.equal(raw.status, 400);
        const body = (await raw.json()) as Record<string, string>;
        assert.equal(body.error, 'invalid_client');
        assert.match(body.error_description!, /AADSTS7000215/);
      },
      env,
    );
    assert.match(stderr, / https:\/\/storage\.azure\.com 400 refused \(invalid_client\) \d+ ms/);
  });

  test('client_id and object_id are accepted when they name the served identity, refused otherwise', async () => {
    await login();
    await withServe([], async (s) => {
      const named = await jsGetToken(s, 'managed-identity', { scope: management, home: sdkHome(), clientId: fx.idp.publicClientId });
      assertAlicesToken(named.tokens[0], 'https://management.azure.com');
      const other = await jsGetToken(s, 'managed-identity', { scope: management, home: sdkHome(), clientId: fx.idp.confidentialClientId });
      assert.deepEqual(other.tokens, []);
      assert.match(other.errors[0] ?? '', /does not hand out tokens of client_id/);
      const get = (query: string, headers: Record<string, string> = {}) =>
        fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://management.azure.com&${query}`, { headers: { 'X-IDENTITY-HEADER': s.header, ...headers } });
      assert.equal((await get(`object_id=${alice.oid}`, { Metadata: 'true' })).status, 200);
      assert.equal((await get(`principal_id=${TEST_USERS[1]!.oid}`)).status, 400);
    });
  });

  test('a managed identity relayed (--protocol vm): mi_res_id and client_id must name it', async () => {
    const imds = await startImdsFake();
    try {
      const ids = TEST_USER_ASSIGNED_IDENTITY;
      const s = await startServe(['--protocol', 'vm', '--msi-res-id', ids.resourceId!], { userHome: fx.tmp.userHome, env: imds.env });
      try {
        const get = (query: string) =>
          fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://vault.azure.net&${query}`, { headers: { 'X-IDENTITY-HEADER': s.header } });
        const named = await get(`mi_res_id=${encodeURIComponent(ids.resourceId!)}&client_id=${ids.clientId}`);
        assert.equal(named.status, 200);
        const body = (await named.json()) as Record<string, string>;
        assert.equal(decodeJwt(body.access_token!).xms_mirid, ids.resourceId);
        assert.equal(body.client_id, ids.clientId, 'the identity\'s client id, from its token');
        const other = await jsGetToken(s, 'managed-identity', { scope: 'https://vault.azure.net/.default', home: sdkHome(), clientId: TEST_SYSTEM_IDENTITY.clientId });
        assert.deepEqual(other.tokens, []);
        assert.match(other.errors[0] ?? '', /does not hand out tokens of client_id/);
      } finally {
        assert.equal((await s.stop()).code, 0);
      }
    } finally {
      await imds.close();
    }
  });
});
