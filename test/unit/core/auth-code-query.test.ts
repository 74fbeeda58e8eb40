import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/domain/errors.js';
import { scopesOfFirstResource } from '../../../src/domain/resource-id.js';
import { resolveSettings } from '../../../src/core/settings.js';
import { buildTokenQuery, loginCommandFor } from '../../../src/core/token-query.js';

const settings = (protocol: string) =>
  resolveSettings({}, { AZSESS_PROTOCOL: protocol, AZURE_TENANT_ID: 'contoso.onmicrosoft.com', AZURE_CLIENT_ID: 'app' });

test('auth code queries carry the redirect URI (AzSessions.jl\'s by default) and the hints', () => {
  const plain = buildTokenQuery(settings('auth-code'), {});
  assert.equal(plain.redirectUri, 'http://localhost:44300/reply');
  assert.deepEqual(plain.browser, { redirectUri: 'http://localhost:44300/reply', redirectUriGiven: false });
  assert.equal(loginCommandFor(plain), 'azsess login --protocol auth-code --tenant contoso.onmicrosoft.com --client-id app --scope https://management.azure.com/user_impersonation');

  const given = buildTokenQuery(settings('auth-code'), { browser: { redirectUri: 'http://localhost:8400/cb', loginHint: 'a@b.c', domainHint: 'b.c' } });
  assert.deepEqual(given.browser, { redirectUri: 'http://localhost:8400/cb', redirectUriGiven: true, loginHint: 'a@b.c', domainHint: 'b.c' });
  assert.match(loginCommandFor(given), / --redirect-uri http:\/\/localhost:8400\/cb$/, 'the exit-3 hint names the redirect URI');
});

test('the browser flags are usage errors with other protocols', () => {
  assert.equal(buildTokenQuery(settings('device-code'), { browser: {} }).browser, undefined);
  for (const browser of [{ redirectUri: 'http://localhost:1/x' }, { loginHint: 'a@b.c' }, { domainHint: 'b.c' }]) {
    assert.throws(() => buildTokenQuery(settings('device-code'), { browser }), (err: unknown) => err instanceof UsageError && /--protocol auth-code/.test(err.message));
  }
});

test('a code redemption asks for one resource: the first named, with the OIDC scopes', () => {
  assert.deepEqual(
    scopesOfFirstResource(['openid', 'offline_access', 'https://storage.azure.com/.default', 'https://storage.azure.com//user_impersonation', 'https://vault.azure.net/.default', 'User.Read']),
    ['openid', 'offline_access', 'https://storage.azure.com/.default', 'https://storage.azure.com//user_impersonation'],
  );
  assert.deepEqual(scopesOfFirstResource(['openid', 'User.Read', 'Mail.Read']), ['openid', 'User.Read', 'Mail.Read'], 'bare permissions are all Graph');
});
