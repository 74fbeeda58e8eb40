import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ARM_API_VERSION, TEST_SUBSCRIPTIONS } from './arm.js';
import { AZURE_CLI_CLIENT_ID, TEST_OTHER_TENANT_ID, TEST_TENANT_ID, TEST_USER2_PASSWORD, TEST_USER2_USERNAME, TEST_USER3_PASSWORD, TEST_USER3_USERNAME } from './constants.js';
import { startTestIdp, type TestIdp } from './entra.js';
import { DEVICE_CODE_GRANT, endpoint } from './self-test-support.js';
import { getJson, postForm } from './test-tools.js';

/** The small ARM beside the test IdP: /tenants and /subscriptions, checking the bearer token's audience and tenant. */

async function refreshTokenOf(idp: TestIdp, user?: { username: string; password: string }): Promise<string> {
  const code = await postForm(endpoint(idp, 'devicecode'), { client_id: AZURE_CLI_CLIENT_ID, scope: 'openid offline_access https://management.core.windows.net//.default' });
  await idp.approveDeviceCode(code.json.user_code, user ?? {});
  const token = await postForm(endpoint(idp, 'token'), { client_id: AZURE_CLI_CLIENT_ID, grant_type: DEVICE_CODE_GRANT, device_code: code.json.device_code });
  assert.equal(token.status, 200, JSON.stringify(token.json));
  return token.json.refresh_token as string;
}

async function accessToken(idp: TestIdp, refreshToken: string, tenant: string, scope: string): Promise<string> {
  const token = await postForm(endpoint(idp, 'token', tenant), { client_id: AZURE_CLI_CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshToken, scope });
  assert.equal(token.status, 200, JSON.stringify(token.json));
  return token.json.access_token as string;
}

const arm = (idp: TestIdp, path: string, token?: string, apiVersion = ARM_API_VERSION) =>
  getJson(`${idp.url}${path}${apiVersion ? `?api-version=${apiVersion}` : ''}`, token ? { authorization: `Bearer ${token}` } : {});

describe('test IdP: ARM tenants and subscriptions', () => {
  let idp: TestIdp;
  let alice: string;
  before(async () => {
    idp = await startTestIdp({ deviceCodeInterval: 0 });
    alice = await refreshTokenOf(idp);
  });
  after(() => idp.close());

  test("alice's ARM token lists her two tenants, and each tenant's token its own subscriptions", async () => {
    const home = await accessToken(idp, alice, TEST_TENANT_ID, 'https://management.core.windows.net//.default');
    const tenants = await arm(idp, '/tenants', home);
    assert.equal(tenants.status, 200, JSON.stringify(tenants.json));
    assert.deepEqual(tenants.json.value.map((t: { tenantId: string }) => t.tenantId), [TEST_TENANT_ID, TEST_OTHER_TENANT_ID]);
    assert.deepEqual(Object.keys(tenants.json.value[0]).sort(), ['countryCode', 'defaultDomain', 'displayName', 'domains', 'id', 'tenantCategory', 'tenantId', 'tenantType']);

    const here = await arm(idp, '/subscriptions', home);
    assert.deepEqual(here.json.value.map((s: { subscriptionId: string }) => s.subscriptionId), TEST_SUBSCRIPTIONS.filter((s) => s.tenantId === TEST_TENANT_ID).map((s) => s.subscriptionId));
    assert.equal(here.json.value[0].id, `/subscriptions/${here.json.value[0].subscriptionId}`);
    const other = await arm(idp, '/subscriptions', await accessToken(idp, alice, TEST_OTHER_TENANT_ID, 'https://management.azure.com/.default'));
    assert.deepEqual(other.json.value.map((s: { tenantId: string }) => s.tenantId), [TEST_OTHER_TENANT_ID]);
    assert.equal(idp.requests.count({ endpoint: 'arm-subscriptions' }), 2);
  });

  test('bob sees one subscription, carol none', async () => {
    const bob = await accessToken(idp, await refreshTokenOf(idp, { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD }), TEST_TENANT_ID, 'https://management.azure.com/.default');
    assert.equal((await arm(idp, '/subscriptions', bob)).json.value.length, 1);
    const carol = await accessToken(idp, await refreshTokenOf(idp, { username: TEST_USER3_USERNAME, password: TEST_USER3_PASSWORD }), TEST_TENANT_ID, 'https://management.azure.com/.default');
    assert.deepEqual((await arm(idp, '/subscriptions', carol)).json.value, []);
  });

  test('a token for another resource, a forged one, none, or no api-version are refused as ARM refuses them', async () => {
    const vault = await accessToken(idp, alice, TEST_TENANT_ID, 'https://vault.azure.net/.default');
    const wrong = await arm(idp, '/subscriptions', vault);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'InvalidAuthenticationTokenAudience');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer /);
    const good = await accessToken(idp, alice, TEST_TENANT_ID, 'https://management.azure.com/.default');
    const [h, p] = good.split('.');
    const forged = await arm(idp, '/tenants', `${h}.${p}.AAAA`);
    assert.equal(forged.json.error?.code, 'InvalidAuthenticationToken', JSON.stringify(forged.json));
    assert.equal((await arm(idp, '/tenants')).json.error.code, 'AuthenticationFailed');
    assert.equal((await arm(idp, '/tenants', good, '')).json.error.code, 'MissingApiVersionParameter');
    assert.equal((await arm(idp, '/tenants', good, '2016-06-01')).json.error.code, 'InvalidApiVersionParameter');
  });

  test('faults apply to the ARM endpoints by name', async () => {
    idp.faults.add('arm-tenants', { status: 503, body: {} }, { times: 1 });
    assert.equal((await arm(idp, '/tenants')).status, 503);
    assert.equal((await arm(idp, '/tenants')).status, 401);
  });
});
