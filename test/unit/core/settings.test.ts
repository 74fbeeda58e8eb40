import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, UsageError } from '../../../src/domain/errors.js';
import { displayAuthority } from '../../../src/domain/authority.js';
import { defaultPublicClientId, resolveAccount, resolveHome, resolveSettings } from '../../../src/core/settings.js';
import { accountSelectorFor } from '../../../src/core/token-query.js';

const manifest = { client_id: 'from-manifest', client_secret: 'manifest-secret', tenant: 'contoso.com', protocol: 'AzClientCredentials' };

test('flag beats environment beats manifest beats default', () => {
  const env = { AZURE_CLIENT_ID: 'from-env', AZURE_TENANT_ID: 'fabrikam.com' };
  const flagged = resolveSettings({ clientId: 'from-flag', tenant: 'common', protocol: 'AzVMCredentials' }, env, manifest);
  assert.deepEqual([flagged.clientId.value, flagged.clientId.source], ['from-flag', 'flag']);
  assert.deepEqual([flagged.tenant.value, flagged.protocol.value], ['common', 'AzVMCredentials']);
  const fromEnv = resolveSettings({}, env, manifest);
  assert.deepEqual([fromEnv.clientId.value, fromEnv.clientId.source], ['from-env', 'environment']);
  assert.equal(fromEnv.tenant.origin, 'AZURE_TENANT_ID');
  const fromManifest = resolveSettings({}, {}, manifest);
  assert.deepEqual([fromManifest.clientId.source, fromManifest.protocol.value], ['manifest', 'AzClientCredentials']);
  assert.equal(fromManifest.clientSecret.value, 'manifest-secret');
  const defaults = resolveSettings({}, {}, undefined);
  assert.deepEqual(
    [defaults.clientId.value, defaults.tenant.value, defaults.protocol.value, defaults.authority.value],
    [defaultPublicClientId, 'organizations', 'AzDeviceCodeFlowCredentials', 'https://login.microsoftonline.com'],
  );
  assert.equal(defaults.clientSecret.value, undefined);
});

test('AZURE_CLIENT_SECRET beats the manifest secret; empty values fall through', () => {
  assert.equal(resolveSettings({}, { AZURE_CLIENT_SECRET: 'env-secret' }, manifest).clientSecret.value, 'env-secret');
  assert.equal(resolveSettings({}, { AZURE_CLIENT_ID: '' }, manifest).clientId.value, 'from-manifest');
});

test('authority: flag, cloud shorthand, environment; http only to loopback, exit 2 for a flag, 6 for the environment', () => {
  assert.equal(resolveSettings({ authorityHost: 'login.microsoftonline.us' }, {}).authority.value, 'https://login.microsoftonline.us');
  assert.equal(resolveSettings({ cloud: 'china' }, {}).authority.value, 'https://login.chinacloudapi.cn');
  assert.equal(resolveSettings({}, { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:8080/' }).authority.value, 'http://127.0.0.1:8080');
  assert.throws(() => resolveSettings({ authorityHost: 'http://login.example.com' }, {}), UsageError);
  assert.throws(() => resolveSettings({}, { AZURE_AUTHORITY_HOST: 'http://10.0.0.1' }), ConfigError);
  assert.throws(() => resolveSettings({}, { AZURE_AUTHORITY_HOST: 'https://host/path' }), ConfigError);
});

test('bad environment values are configuration errors that name the variable', () => {
  assert.throws(() => resolveSettings({}, { AZURE_TENANT_ID: 'not a tenant' }), /AZURE_TENANT_ID/);
  assert.throws(() => resolveSettings({}, { AZSESS_PROTOCOL: 'kerberos' }), /AZSESS_PROTOCOL/);
});

test('home: --home > AZSESSIONS_HOME > ~/.azsessions', () => {
  const id = (p: string) => p;
  assert.equal(resolveHome('/a', { AZSESSIONS_HOME: '/b' }, '/u', id).value, '/a');
  assert.equal(resolveHome(undefined, { AZSESSIONS_HOME: '/b' }, '/u', id).value, '/b');
  assert.equal(resolveHome(undefined, {}, '/u', id).value, '/u/.azsessions');
});

test('an authority with a user name or password is refused and shown as ***@', () => {
  for (const value of ['https://alice:pw-123@login.example.com', 'alice:pw-123@login.example.com', 'http://alice@127.0.0.1:9']) {
    assert.throws(() => resolveSettings({ authorityHost: value }, {}), (err: Error) => err instanceof UsageError && !/alice|pw-123/.test(err.message));
    assert.throws(() => resolveSettings({}, { AZURE_AUTHORITY_HOST: value }), (err: Error) => err instanceof ConfigError && /\*\*\*@/.test(err.message));
  }
  assert.equal(displayAuthority('https://login.example.com'), 'https://login.example.com');
  assert.equal(displayAuthority('login.example.com/a@b'), 'login.example.com/a@b');
  assert.equal(displayAuthority('https://u:pa/ss@proxy:3128'), 'https://***@proxy:3128');
  assert.equal(displayAuthority('http://user:p#w?d@host'), 'http://***@host');
});

test('--cloud with --authority-host, and an empty --home, are usage errors', () => {
  assert.throws(() => resolveSettings({ cloud: 'usgov', authorityHost: 'login.example.com' }, {}), UsageError);
  assert.throws(() => resolveHome('', {}, '/home/u', (p) => p), UsageError);
  assert.throws(() => resolveHome('  ', { AZSESSIONS_HOME: '/x' }, '/home/u', (p) => p), UsageError);
});

test('the account: --account > AZSESS_ACCOUNT, both trimmed, blank a usage error (issue 19); for people only', () => {
  const cases: Array<[string | undefined, string | undefined, string | undefined, string]> = [
    [undefined, ' bob@x ', 'bob@x', 'environment'],
    ['alice@x', ' bob@x ', 'alice@x', 'flag'],
    ['alice@x', '', 'alice@x', 'flag'],
    [undefined, undefined, undefined, 'default'],
  ];
  for (const [flag, variable] of [[' ', 'bob@x'], ['', undefined], [undefined, '  '], [undefined, '']]) {
    const flags = flag === undefined ? {} : { account: flag };
    assert.throws(() => resolveAccount(flags, { AZSESS_ACCOUNT: variable }), UsageError, `${flag} ${variable}`);
    assert.throws(() => resolveSettings(flags, { AZSESS_ACCOUNT: variable }), UsageError);
  }
  for (const [flag, variable, value, source] of cases) {
    const resolved = resolveAccount(flag === undefined ? {} : { account: flag }, { AZSESS_ACCOUNT: variable });
    assert.deepEqual([resolved.value, resolved.source], [value, source], `${flag} ${variable}`);
    assert.deepEqual(resolveSettings(flag === undefined ? {} : { account: flag }, { AZSESS_ACCOUNT: variable }).account, resolved);
  }
  const fromEnv = resolveAccount({}, { AZSESS_ACCOUNT: 'bob@x' });
  const fromFlag = resolveAccount({ account: 'bob@x' }, {});
  assert.equal(accountSelectorFor(fromEnv, 'AzDeviceCodeFlowCredentials'), 'bob@x');
  assert.equal(accountSelectorFor(fromEnv, undefined), 'bob@x', 'no protocol: any session of the account');
  assert.equal(accountSelectorFor(fromEnv, 'AzClientCredentials'), undefined, 'AZSESS_ACCOUNT does not apply to an app');
  assert.throws(() => accountSelectorFor(fromFlag, 'AzClientCredentials'), UsageError);
});
