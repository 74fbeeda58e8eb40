import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost, normaliseAuthority } from '../../../src/domain/authority.js';
import { UsageError } from '../../../src/domain/errors.js';
import { lookupProtocol, parseProtocol } from '../../../src/domain/protocol-names.js';
import { audienceMatches } from '../../../src/domain/resource-id.js';
import { resourceOfScope, sameScopes, splitScopes } from '../../../src/domain/scopes.js';
import { isValidTenant } from '../../../src/domain/tenant.js';

test('protocol names, aliases and AzSessions names resolve to the stored name', () => {
  const cases: Array<[string, string]> = [
    ['device-code', 'AzDeviceCodeFlowCredentials'],
    ['AzDeviceCodeCredentials', 'AzDeviceCodeFlowCredentials'],
    ['AzSessions.AzAuthCodeFlowCredentials', 'AzAuthCodeFlowCredentials'],
    ['auth-code', 'AzAuthCodeFlowCredentials'],
    ['client-credentials', 'AzClientCredentials'],
    ['vm', 'AzVMCredentials'],
    ['managed-identity', 'AzVMCredentials'],
    ['workload-identity', 'AzFederatedCredentials'],
  ];
  for (const [input, stored] of cases) assert.equal(lookupProtocol(input), stored, input);
  assert.throws(() => parseProtocol('kerberos'), (err: unknown) => err instanceof UsageError && /device-code/.test(err.message));
  // Names an object has of its own are no protocol (a lookup must not reach Object.prototype).
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'AzSessions.constructor']) {
    assert.equal(lookupProtocol(name), undefined, name);
    assert.throws(() => parseProtocol(name), UsageError, name);
  }
});

test('tenants: GUIDs, domains and the three meta tenants; nothing that could bend a URL', () => {
  for (const ok of ['72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com', 'contoso.com', 'common', 'Organizations', 'consumers']) {
    assert.ok(isValidTenant(ok), ok);
  }
  for (const bad of ['', 'contoso', '../common', 'contoso.com/x', 'a b.com', 'contoso.com?x=1', '72f988bf-86f1-41af-91ab']) {
    assert.ok(!isValidTenant(bad), bad);
  }
});

test('authority hosts: scheme optional, https required except for loopback', () => {
  assert.deepEqual(normaliseAuthority('login.microsoftonline.com'), { ok: true, url: 'https://login.microsoftonline.com' });
  assert.deepEqual(normaliseAuthority('http://localhost:8400/'), { ok: true, url: 'http://localhost:8400' });
  assert.deepEqual(normaliseAuthority('http://[::1]:9'), { ok: true, url: 'http://[::1]:9' });
  assert.deepEqual(normaliseAuthority('http://127.0.0.1:8400'), { ok: true, url: 'http://127.0.0.1:8400' });
  for (const bad of ['http://login.microsoftonline.com', 'ftp://x.com', 'https://x.com/tenant', 'https://u:p@x.com', '', '5', 'http://0x7f.1:80', 'https://10.1']) {
    assert.equal(normaliseAuthority(bad).ok, false, bad);
  }
  assert.ok(isLoopbackHost('127.10.0.1') && isLoopbackHost('::1') && !isLoopbackHost('128.0.0.1') && !isLoopbackHost('localhost.example.com'));
});

test('scopes name resources; audiences compare like AzSessions.jl', () => {
  assert.deepEqual(splitScopes('openid+offline_access https://x.net/.default'), ['openid', 'offline_access', 'https://x.net/.default']);
  assert.ok(sameScopes(['a', 'b'], ['b', 'a']) && !sameScopes(['a'], ['a', 'b']));
  assert.equal(resourceOfScope('https://storage.azure.com/user_impersonation'), 'https://storage.azure.com');
  assert.equal(resourceOfScope('https://management.azure.com//.default'), 'https://management.azure.com/');
  assert.equal(resourceOfScope('499b84ac-1321-427f-aa17-267ca6975798/.default'), '499b84ac-1321-427f-aa17-267ca6975798');
  assert.equal(resourceOfScope('offline_access'), undefined);
  assert.ok(audienceMatches('https://management.azure.com/', 'https://management.azure.com'));
  assert.ok(audienceMatches(['x', 'https://storage.azure.com'], 'https://storage.azure.com/'));
  assert.ok(audienceMatches('api://499b84ac-1321-427f-aa17-267ca6975798', '499b84ac-1321-427f-aa17-267ca6975798'));
  assert.ok(!audienceMatches('https://storage.azure.com', 'https://management.azure.com'));
});
