import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorityOfEnvironment, azureCliClientId, importAzSignIn } from '../../../src/az/az-import.js';
import { parseMsalCache } from '../../../src/az/msal-cache.js';

/** The import's reading of az's cache and profile, without files: which refresh token, whose, where. */

const oid = '11111111-1111-4111-8111-111111111111';
const home = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const guest = '33333333-3333-4333-8333-333333333333';
const hid = `${oid}.${home}`;

function cache(refreshTokens: Record<string, Record<string, string>>, realms = [home, guest]) {
  const Account = Object.fromEntries(realms.map((realm) => [
    `${hid}-login.microsoftonline.com-${realm}`,
    { home_account_id: hid, environment: 'login.microsoftonline.com', realm, local_account_id: oid, username: 'alice@contoso.com', authority_type: 'MSSTS' },
  ]));
  return parseMsalCache(JSON.stringify({ Account, RefreshToken: refreshTokens, AccessToken: {}, IdToken: {}, AppMetadata: {} }))!;
}

const rt = (client: string, secret: string, family?: string) => ({
  [`${hid}-login.microsoftonline.com-refreshtoken-${client}--`]: {
    credential_type: 'RefreshToken', secret, home_account_id: hid, environment: 'login.microsoftonline.com', client_id: client, ...(family ? { family_id: family } : {}),
  },
});

const input = (c: ReturnType<typeof cache>, profile: unknown[] = []) => ({
  cache: c, profileSubscriptions: profile, protocol: 'AzDeviceCodeFlowCredentials' as const, defaultTenant: 'organizations', now: new Date('2026-12-04T00:00:00Z'),
});

test("az's own refresh token wins over a family one; one session per tenant az had, plus the default meta tenant; the home oid", () => {
  const result = importAzSignIn(input(cache({ ...rt('872cd9fa-d31f-45e0-9eab-6e460a02d1f1', 'family-secret', '1'), ...rt(azureCliClientId, 'az-secret') })));
  assert.deepEqual(result.sessions.map((s) => [s.tenant, s.refreshToken, s.clientId]), [
    [home, 'az-secret', azureCliClientId], [guest, 'az-secret', azureCliClientId], ['organizations', 'az-secret', azureCliClientId],
  ]);
  const s = result.sessions[0]!;
  assert.equal(s.account, 'alice@contoso.com');
  assert.equal(s.accountOid, oid);
  assert.equal(s.authority, undefined, 'the public cloud is the default authority');
  assert.equal(s.expiry.getTime(), 0);
  assert.deepEqual(s.scope, ['openid', 'offline_access', 'https://management.azure.com/user_impersonation']);
});

test("a family token alone serves (az's client is of the family); another app's token without a family does not", () => {
  assert.equal(importAzSignIn(input(cache(rt('872cd9fa-d31f-45e0-9eab-6e460a02d1f1', 'family-secret', '1')))).sessions[0]?.refreshToken, 'family-secret');
  assert.deepEqual(importAzSignIn(input(cache(rt('872cd9fa-d31f-45e0-9eab-6e460a02d1f1', 'other-secret')))).people, []);
});

test("the profile adds its tenants and subscriptions; az's default user goes first; service principals are counted, not imported", () => {
  const sub = (id: string, tenantId: string, user: string, type = 'user', isDefault = false) => ({
    id, name: `sub ${id}`, state: 'Enabled', user: { name: user, type }, isDefault, tenantId, environmentName: 'AzureCloud', homeTenantId: tenantId, managedByTenants: [],
  });
  const extra = '44444444-4444-4444-8444-444444444444';
  const result = importAzSignIn(input(cache(rt(azureCliClientId, 'az-secret'), [home]), [
    sub('s1', extra, 'ALICE@contoso.com', 'user', true), sub('s2', home, 'app-id', 'servicePrincipal'), sub('s3', home, 'bob@contoso.com'),
  ]));
  assert.deepEqual(result.people[0]!.tenants, [home, extra, 'organizations']);
  assert.deepEqual(result.people[0]!.subscriptions.map((a) => [a.id, a.isDefault]), [['s1', true]]);
  assert.equal(result.servicePrincipals, 1);
  assert.ok(!JSON.stringify(result.people).includes('az-secret'), 'people carry no refresh token');
});

test("MSAL's environment as an authority: https, http only for loopback, nothing for junk", () => {
  assert.equal(authorityOfEnvironment('login.microsoftonline.us'), 'https://login.microsoftonline.us');
  assert.equal(authorityOfEnvironment('127.0.0.1:8400'), 'http://127.0.0.1:8400');
  assert.equal(authorityOfEnvironment('login.example/evil?x'), undefined);
});

test("MSAL's cache: a section that is not a map is not the cache; keys of a later schema are let be", () => {
  assert.equal(parseMsalCache('{"RefreshToken": []}'), undefined);
  assert.equal(parseMsalCache('[]'), undefined);
  assert.deepEqual(parseMsalCache('{"Future": {}}'), { accounts: [], refreshTokens: [] });
  assert.equal(parseMsalCache('\ufeff{}')?.accounts.length, 0);
});
