import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/domain/errors.js';
import { signInScopes } from '../../../src/core/token-query.js';

const oidc = ['openid', 'offline_access'];
const arm = 'https://management.azure.com/user_impersonation';
const storage = 'https://storage.azure.com/user_impersonation';

test("a sign-in consents to the token's scopes and AzSessions.jl's default consent, or --scope-auth", () => {
  assert.deepEqual(signInScopes([...oidc, arm]), [...oidc, arm, storage]);
  assert.deepEqual(signInScopes([...oidc, storage], ['https://vault.azure.net/user_impersonation']), [...oidc, storage, 'https://vault.azure.net/user_impersonation']);
});

test('a sign-in for a /.default asks for it alone, as Entra takes it (AADSTS70011 otherwise)', () => {
  assert.deepEqual(signInScopes([...oidc, 'https://vault.azure.net/.default']), [...oidc, 'https://vault.azure.net/.default']);
});

test('a mix the user asked for is a usage error before any request', () => {
  assert.throws(() => signInScopes([...oidc, 'https://vault.azure.net/.default'], [storage]), UsageError);
  assert.throws(() => signInScopes([...oidc, arm], ['https://vault.azure.net/.default']), UsageError);
  assert.throws(() => signInScopes([...oidc, 'https://vault.azure.net/.default', storage]), /only on its own/);
});
