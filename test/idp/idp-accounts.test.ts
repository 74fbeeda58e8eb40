import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AZURE_CLI_CLIENT_ID, TEST_OTHER_TENANT_DOMAIN, TEST_OTHER_TENANT_ID, TEST_TENANT_ID, TEST_USER2_PASSWORD, TEST_USER2_USERNAME,
  TEST_USER3_PASSWORD, TEST_USER3_USERNAME, TEST_USERS,
} from './constants.js';
import { startTestIdp, type TestIdp } from './entra.js';
import { GRAPH_APP_ID } from './entra-resources.js';
import { assertEntraError, DEVICE_CODE_GRANT, endpoint } from './self-test-support.js';
import { decodeJwt, postForm } from './test-tools.js';

/** Several users, two tenants, Graph's app-id audience, per-resource refusals, first-party pre-authorisation. */

const ARM = 'https://management.azure.com/user_impersonation';
const VAULT = 'https://vault.azure.net/.default';
const GRAPH = 'https://graph.microsoft.com/.default';

async function signIn(idp: TestIdp, scope: string, user?: { username: string; password: string }, clientId = idp.publicClientId) {
  const code = await postForm(endpoint(idp, 'devicecode'), { client_id: clientId, scope: `openid offline_access ${scope}` });
  assert.equal(code.status, 200, JSON.stringify(code.json));
  await idp.approveDeviceCode(code.json.user_code, user ?? {});
  const token = await postForm(endpoint(idp, 'token'), { client_id: clientId, grant_type: DEVICE_CODE_GRANT, device_code: code.json.device_code });
  assert.equal(token.status, 200, JSON.stringify(token.json));
  return token.json as Record<string, string>;
}

function refreshAt(idp: TestIdp, tenant: string, refreshToken: string, scope: string, clientId = idp.publicClientId) {
  return postForm(endpoint(idp, 'token', tenant), { client_id: clientId, grant_type: 'refresh_token', refresh_token: refreshToken, scope });
}

describe('test IdP: accounts, tenants, audiences and refusals', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp({ deviceCodeInterval: 0 });
  });
  after(() => idp.close());

  test('three users sign in and each token names its own user', async () => {
    assert.ok(TEST_USERS.length >= 3);
    const bob = await signIn(idp, ARM, { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD });
    const carol = await signIn(idp, ARM, { username: TEST_USER3_USERNAME, password: TEST_USER3_PASSWORD });
    assert.equal(decodeJwt(bob.access_token!).upn, TEST_USER2_USERNAME, "ARM tokens are v1: upn");
    assert.equal(decodeJwt(carol.id_token!).preferred_username, TEST_USER3_USERNAME);
  });

  test("a member's refresh token redeemed at the other tenant gets that tenant's tid; a non-member gets 50020", async () => {
    const alice = await signIn(idp, `${ARM} https://storage.azure.com/user_impersonation`);
    assert.equal(decodeJwt(alice.access_token!).tid, TEST_TENANT_ID);
    for (const tenant of [TEST_OTHER_TENANT_ID, TEST_OTHER_TENANT_DOMAIN]) {
      const other = await refreshAt(idp, tenant, alice.refresh_token!, 'https://storage.azure.com/.default');
      assert.equal(other.status, 200, JSON.stringify(other.json));
      assert.equal(decodeJwt(other.json.access_token).tid, TEST_OTHER_TENANT_ID);
    }
    const bob = await signIn(idp, ARM, { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD });
    assertEntraError(await refreshAt(idp, TEST_OTHER_TENANT_ID, bob.refresh_token!, ARM), 400, 'invalid_grant', 50020);
    assertEntraError(await refreshAt(idp, '7e57a1d0-0000-4000-8000-0000000ffff0', alice.refresh_token!, ARM), 400, 'invalid_request', 90002);
  });

  test("Graph tokens carry Graph's app id as aud; the scope keeps its URI", async () => {
    const graph = await signIn(idp, GRAPH);
    assert.equal(decodeJwt(graph.access_token!).aud, GRAPH_APP_ID);
    assert.match(graph.scope!, /^https:\/\/graph\.microsoft\.com\/User\.Read/);
  });

  test('a per-resource refusal leaves the refresh token working for other resources', async () => {
    const alice = await signIn(idp, `${ARM} https://vault.azure.net/user_impersonation https://storage.azure.com/user_impersonation`);
    for (const code of [50076, 50079, 53003, 65001] as const) {
      idp.refuseRefresh({ resource: 'https://vault.azure.net', code, username: idp.username, times: 1 });
      assertEntraError(await refreshAt(idp, TEST_TENANT_ID, alice.refresh_token!, VAULT), 400, 'invalid_grant', code);
    }
    idp.refuseRefresh({ resource: 'https://storage.azure.com', code: 500011 });
    assertEntraError(await refreshAt(idp, TEST_TENANT_ID, alice.refresh_token!, 'https://storage.azure.com/.default'), 400, 'invalid_resource', 500011);
    idp.clearRefusals();
    assert.equal((await refreshAt(idp, TEST_TENANT_ID, alice.refresh_token!, VAULT)).status, 200, 'times: 1 each');
    idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 50076, username: TEST_USER2_USERNAME });
    assert.equal((await refreshAt(idp, TEST_TENANT_ID, alice.refresh_token!, VAULT)).status, 200, "bob's refusal is not alice's");
    idp.clearRefusals();
  });

  test('the Azure CLI client is pre-authorised for Microsoft resources; other clients need consent', async () => {
    const cli = await signIn(idp, ARM, undefined, AZURE_CLI_CLIENT_ID);
    for (const scope of [VAULT, GRAPH]) {
      const r = await refreshAt(idp, TEST_TENANT_ID, cli.refresh_token!, scope, AZURE_CLI_CLIENT_ID);
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    assert.equal(decodeJwt(cli.access_token!).aud, 'https://management.azure.com', 'the first token is for what was asked');
    const own = await signIn(idp, ARM);
    assertEntraError(await refreshAt(idp, TEST_TENANT_ID, own.refresh_token!, VAULT), 400, 'invalid_grant', 65001);
  });
});
