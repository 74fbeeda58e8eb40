import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { armEndpointFor } from '../../../src/az/arm-endpoint.js';
import { discoverAccounts, type ArmTokenSource } from '../../../src/az/arm-subscriptions.js';
import { tenantLevelName, type AzUser } from '../../../src/domain/az-account.js';
import { refreshAzSubscriptions } from '../../../src/az/az-subscriptions-refresh.js';
import { silentLog } from '../../../src/domain/log.js';
import { AuthenticationError, ConfigError } from '../../../src/domain/errors.js';
import { createHttpClient } from '../../../src/http/client.js';
import { createSender } from '../../../src/http/retry.js';
import { azSubscriptionsOf, azSubscriptionsPath, findAzSubscription, readAzSubscriptions } from '../../../src/store/az-subscriptions-read.js';
import { removeAzSubscriptions, saveAzSubscriptions, setDefaultAzSubscription } from '../../../src/store/az-subscriptions.js';
import {
  AZURE_CLI_CLIENT_ID, postForm, startTestIdp, TEST_OTHER_TENANT_ID, TEST_SUBSCRIPTIONS, TEST_TENANT_ID, TEST_USER3_PASSWORD, TEST_USER3_USERNAME,
  TEST_USERNAME, type TestIdp,
} from '../../idp/index.js';
import { makeTmpHome } from '../../support/tmp-home.js';

/**
 * Subscriptions as `az login` finds them, in process against the test IdP's ARM, through the
 * shared HTTP client; and the store that keeps them in the home.
 */

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const alice: AzUser = { name: TEST_USERNAME, type: 'user' };

let idp: TestIdp;
const tmp = makeTmpHome();
const store = { deadline: Date.now() + 60_000, log: silentLog };
before(async () => {
  idp = await startTestIdp({ deviceCodeInterval: 0 });
});
after(async () => {
  await idp.close();
  tmp.cleanup();
});

async function refreshTokenOf(user?: { username: string; password: string }): Promise<string> {
  const at = `${idp.url}/${TEST_TENANT_ID}/oauth2/v2.0`;
  const code = await postForm(`${at}/devicecode`, { client_id: AZURE_CLI_CLIENT_ID, scope: 'openid offline_access https://management.azure.com/.default' });
  await idp.approveDeviceCode(code.json.user_code, user ?? {});
  const token = await postForm(`${at}/token`, { client_id: AZURE_CLI_CLIENT_ID, grant_type: DEVICE_CODE_GRANT, device_code: code.json.device_code });
  return token.json.refresh_token as string;
}

/** ARM tokens per tenant, as the az entry gets them: a refresh at that tenant. */
function armTokens(refreshToken: string, asked: string[] = []): ArmTokenSource {
  return async (tenant) => {
    asked.push(tenant);
    const res = await postForm(`${idp.url}/${tenant}/oauth2/v2.0/token`, {
      client_id: AZURE_CLI_CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'https://management.core.windows.net//.default',
    });
    if (res.status !== 200) throw new AuthenticationError(`refused at ${tenant}`);
    return res.json.access_token as string;
  };
}

const http = () => createSender(createHttpClient({ httpProxy: '', httpsProxy: '', noProxy: '' }), { deadline: Date.now() + 30_000, log: silentLog });

describe('ARM subscriptions', () => {
  test('alice: the tenants with her home token, then each tenant with its own token, in az shape', async () => {
    const asked: string[] = [];
    const found = await discoverAccounts({ http: http(), armEndpoint: idp.url, armToken: armTokens(await refreshTokenOf(), asked), user: alice, environmentName: 'AzureCloud' });
    assert.deepEqual(asked, ['organizations', TEST_TENANT_ID, TEST_OTHER_TENANT_ID]);
    assert.deepEqual(found.skipped, []);
    assert.deepEqual(found.accounts.map((a) => [a.id, a.tenantId]), TEST_SUBSCRIPTIONS.map((s) => [s.subscriptionId, s.tenantId]));
    assert.deepEqual(found.accounts[1], {
      environmentName: 'AzureCloud', homeTenantId: TEST_TENANT_ID, id: TEST_SUBSCRIPTIONS[1]!.subscriptionId, isDefault: false,
      managedByTenants: [{ tenantId: TEST_OTHER_TENANT_ID }], name: 'azsess-test-prod', state: 'Enabled', tenantDefaultDomain: 'azsess-test.onmicrosoft.com',
      tenantDisplayName: 'azsess Test', tenantId: TEST_TENANT_ID, user: alice,
    });
    assert.equal(idp.requests.last({ endpoint: 'arm-subscriptions' })?.query['api-version'], '2022-12-01');
  });

  test('with --tenant, only that tenant; a tenant whose token fails is skipped and named', async () => {
    const rt = await refreshTokenOf();
    const one = await discoverAccounts({ http: http(), armEndpoint: idp.url, armToken: armTokens(rt), user: alice, environmentName: 'AzureCloud', tenant: TEST_OTHER_TENANT_ID });
    assert.deepEqual(one.accounts.map((a) => a.name), ['azsess-other-main']);
    const byDomain = await discoverAccounts({ http: http(), armEndpoint: idp.url, armToken: armTokens(rt), user: alice, environmentName: 'AzureCloud', tenant: 'azsess-other.onmicrosoft.com' });
    assert.deepEqual(byDomain.accounts.map((a) => a.tenantId), [TEST_OTHER_TENANT_ID], 'a tenant named by domain is listed by its id');
    const failing: ArmTokenSource = async (tenant) => {
      if (tenant === TEST_OTHER_TENANT_ID) throw new AuthenticationError('AADSTS50076: MFA required');
      return armTokens(rt)(tenant);
    };
    const some = await discoverAccounts({ http: http(), armEndpoint: idp.url, armToken: failing, user: alice, environmentName: 'AzureCloud' });
    assert.deepEqual(some.accounts.map((a) => a.tenantId), [TEST_TENANT_ID, TEST_TENANT_ID]);
    assert.deepEqual(some.skipped, [{ tenantId: TEST_OTHER_TENANT_ID, reason: 'AADSTS50076: MFA required' }]);
  });

  test('carol has no subscription: a tenant-level account stands for her tenant', async () => {
    const carol: AzUser = { name: TEST_USER3_USERNAME, type: 'user' };
    const found = await discoverAccounts({
      http: http(), armEndpoint: idp.url, armToken: armTokens(await refreshTokenOf({ username: TEST_USER3_USERNAME, password: TEST_USER3_PASSWORD })), user: carol, environmentName: 'AzureCloud',
    });
    assert.deepEqual(found.accounts, [{
      environmentName: 'AzureCloud', id: TEST_TENANT_ID, isDefault: false, name: tenantLevelName,
      state: 'Enabled', tenantId: TEST_TENANT_ID, user: carol,
    }]);
  });

  test("a token ARM refuses (another audience) is an authentication error quoting ARM's code", async () => {
    const vault: ArmTokenSource = async (tenant) => {
      const res = await postForm(`${idp.url}/${tenant}/oauth2/v2.0/token`, { client_id: AZURE_CLI_CLIENT_ID, grant_type: 'refresh_token', refresh_token: await refreshTokenOf(), scope: 'https://vault.azure.net/.default' });
      return res.json.access_token as string;
    };
    await assert.rejects(discoverAccounts({ http: http(), armEndpoint: idp.url, armToken: vault, user: alice, environmentName: 'AzureCloud' }), (err: Error) => {
      assert.ok(err instanceof AuthenticationError);
      assert.match(err.message, /^Azure Resource Manager at 127\.0\.0\.1:\d+ refused the token to list tenants \(HTTP 401 InvalidAuthenticationTokenAudience: /);
      return true;
    });
  });

  test('AZSESS_ARM_ENDPOINT: https, or http to loopback only; else the cloud of the login host', () => {
    assert.equal(armEndpointFor('https://login.microsoftonline.com', {}), 'https://management.azure.com');
    assert.equal(armEndpointFor('https://login.microsoftonline.us', {}), 'https://management.usgovcloudapi.net');
    assert.equal(armEndpointFor('https://login.chinacloudapi.cn', {}), 'https://management.chinacloudapi.cn');
    assert.equal(armEndpointFor('https://login.microsoftonline.com', { AZSESS_ARM_ENDPOINT: 'http://127.0.0.1:8443/' }), 'http://127.0.0.1:8443');
    assert.equal(armEndpointFor('https://login.microsoftonline.com', { AZSESS_ARM_ENDPOINT: 'https://arm.contoso.example/' }), 'https://arm.contoso.example');
    for (const bad of ['http://arm.contoso.example', 'ftp://127.0.0.1', 'https://user:pw@arm.example', 'https://arm.example/?x=1', 'not a url']) {
      assert.throws(() => armEndpointFor('https://login.microsoftonline.com', { AZSESS_ARM_ENDPOINT: bad }), ConfigError, bad);
    }
  });
});

describe('the subscription store', () => {
  test("a person's accounts replace theirs only, one default each, kept across a new sign-in; 0600; set and remove", async () => {
    const rt = await refreshTokenOf();
    const { accounts } = await discoverAccounts({ http: http(), armEndpoint: idp.url, armToken: armTokens(rt), user: alice, environmentName: 'AzureCloud' });
    const bob: AzUser = { name: 'bob@azsess-test.onmicrosoft.com', type: 'user' };
    await saveAzSubscriptions(tmp.home, store, bob, accounts.slice(0, 1));
    const saved = await saveAzSubscriptions(tmp.home, store, alice, accounts);
    assert.deepEqual(saved.map((a) => a.isDefault), [true, false, false], 'the first enabled one');
    assert.equal(statSync(azSubscriptionsPath(tmp.home)).mode & 0o777, 0o600);
    assert.equal(readAzSubscriptions(tmp.home).length, 4);
    assert.equal(azSubscriptionsOf(tmp.home, bob)[0]!.isDefault, true, "bob's default is his own");

    assert.equal((await setDefaultAzSubscription(tmp.home, store, alice, 'AZSESS-OTHER-MAIN'))?.tenantId, TEST_OTHER_TENANT_ID);
    assert.equal(await setDefaultAzSubscription(tmp.home, store, alice, 'no such'), undefined);
    const again = await saveAzSubscriptions(tmp.home, store, alice, accounts);
    assert.equal(again.find((a) => a.isDefault)?.name, 'azsess-other-main', 'a new sign-in keeps the default');
    assert.equal(azSubscriptionsOf(tmp.home, alice)[0]!.name, 'azsess-other-main', 'the default first');
    assert.equal(azSubscriptionsOf(tmp.home, { name: TEST_USERNAME.toUpperCase(), type: 'user' }).length, 3, 'UPNs without case');

    assert.equal(await removeAzSubscriptions(tmp.home, store, alice), 3);
    assert.deepEqual(readAzSubscriptions(tmp.home).map((a) => a.user.name), [bob.name]);
    assert.equal(await removeAzSubscriptions(tmp.home, store), 1);
    assert.deepEqual(readAzSubscriptions(tmp.home), []);
  });

  test('refreshAzSubscriptions lists and stores in one call; findAzSubscription names the default or the one asked', async () => {
    const home = makeTmpHome();
    try {
      const input = { http: http(), armEndpoint: idp.url, armToken: armTokens(await refreshTokenOf()), user: alice, environmentName: 'AzureCloud' };
      const { accounts, skipped } = await refreshAzSubscriptions(input, { ...store, home: home.home }, 'azsess-test-prod');
      assert.deepEqual(skipped, []);
      assert.deepEqual(accounts.map((a) => [a.name, a.isDefault]), [['azsess-test-dev', false], ['azsess-test-prod', true], ['azsess-other-main', false]]);
      assert.equal(findAzSubscription(home.home, alice)?.name, 'azsess-test-prod');
      assert.equal(findAzSubscription(home.home, alice, TEST_SUBSCRIPTIONS[2]!.subscriptionId)?.tenantId, TEST_OTHER_TENANT_ID);
      assert.equal(findAzSubscription(home.home, alice, 'nope'), undefined);
      assert.equal(findAzSubscription(home.home, { name: 'bob@azsess-test.onmicrosoft.com', type: 'user' }), undefined);
    } finally {
      home.cleanup();
    }
  });

  test('a broken file reads as none and the next save replaces it', async () => {
    writeFileSync(azSubscriptionsPath(tmp.home), '{"subscriptions": [', { mode: 0o600 });
    assert.deepEqual(readAzSubscriptions(tmp.home), []);
    await saveAzSubscriptions(tmp.home, store, alice, [{
      environmentName: 'AzureCloud', id: TEST_TENANT_ID, isDefault: false, name: tenantLevelName, state: 'Enabled', tenantId: TEST_TENANT_ID, user: alice,
    }]);
    assert.equal(JSON.parse(readFileSync(azSubscriptionsPath(tmp.home), 'utf8')).subscriptions[0].isDefault, true);
  });
});
