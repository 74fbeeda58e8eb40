import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/domain/errors.js';
import { audienceMatches, checkedResource, resourceKey, resourceProblem, sameResource, sameScopeKeys, scopeKey } from '../../../src/domain/resource-id.js';

test('a resource is its whole app ID: apps of one host that differ in their path are two', () => {
  const apart: Array<[string, string]> = [
    ['api://contoso.example/orders', 'api://contoso.example/payroll'],
    ['https://contoso.example/app1', 'https://contoso.example/app2'],
    ['https://contoso.example/app1', 'https://contoso.example'],
    ['api://contoso.example/orders', 'api://contoso.example'],
    ['api://contoso.example/orders', 'api://contoso.example/orders/v2'],
    ['https://contoso.example', 'http://contoso.example'],
    ['https://storage.azure.com', 'https://management.azure.com'],
    ['https://graph.windows.net', 'https://graph.microsoft.com'],
    ['499b84ac-1321-427f-aa17-267ca6975798', '6dae42f8-4368-4678-94ff-3960e28e3630'],
  ];
  for (const [a, b] of apart) assert.ok(!sameResource(a, b), `${a} is not ${b}`);
  // A token for the host alone (what AzSessions.jl compares) is not one for an app under it.
  assert.ok(!audienceMatches('https://contoso.example', 'https://contoso.example/app1'));
  assert.ok(!audienceMatches(['api://contoso.example/orders'], 'api://contoso.example/payroll'));
});

test('one app, whatever the spelling: case, trailing slashes, spaces, api://<app id>, Entra\'s aliases', () => {
  const same: Array<[string, string]> = [
    ['api://contoso.example/orders', 'API://Contoso.Example/ORDERS//'],
    ['https://storage.azure.com', ' HTTPS://STORAGE.AZURE.COM/ '],
    ['api://499b84ac-1321-427f-aa17-267ca6975798', '499B84AC-1321-427F-AA17-267CA6975798'],
    ['https://management.azure.com/', 'https://management.core.windows.net/'],
    ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'],
    ['https://graph.microsoft.com/', 'api://00000003-0000-0000-c000-000000000000'],
  ];
  for (const [a, b] of same) assert.equal(resourceKey(a), resourceKey(b), `${a} is ${b}`);
  assert.ok(audienceMatches('00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com'));
  // Only a GUID after api:// is an app id: api://contoso.example stays a URI.
  assert.equal(resourceKey('api://contoso.example'), 'api://contoso.example');
});

test('scopes compare by their resource\'s key and the permission without case', () => {
  assert.equal(scopeKey('https://management.core.windows.net//.default'), scopeKey('https://management.azure.com/.default'));
  assert.equal(scopeKey('API://contoso.example/orders/User_Impersonation'), scopeKey('api://contoso.example/orders/user_impersonation'));
  assert.notEqual(scopeKey('api://contoso.example/orders/.default'), scopeKey('api://contoso.example/payroll/.default'));
  assert.equal(scopeKey('api://contoso.example'), 'api://contoso.example');
  assert.equal(scopeKey('OpenID'), 'openid');
  assert.ok(sameScopeKeys(['openid', 'offline_access', 'https://storage.azure.com/.default'], ['https://Storage.azure.com//.default', 'offline_access', 'openid']));
  assert.ok(!sameScopeKeys(['openid', 'api://contoso.example/orders/.default'], ['openid', 'api://contoso.example/payroll/.default']));
});

test('not a resource at all: spaces or control characters inside, or over 2 KB; surrounding spaces are trimmed', () => {
  for (const value of ['', '   ', 'https://a b', 'https://a\u0000', 'https://a\u001b[31m', 'https://a\u007f', 'https://a\u0085', 'https://a\u00a0b', `https://a/${'x'.repeat(2048)}`]) {
    assert.ok(resourceProblem(value), JSON.stringify(value.slice(0, 30)));
    assert.throws(() => checkedResource(value, '--resource'), (err: unknown) => err instanceof UsageError && /--resource '.*' is not a resource/.test(err.message));
  }
  assert.equal(resourceProblem(`https://a/${'x'.repeat(2000)}`), undefined);
  assert.equal(checkedResource('\t https://storage.azure.com/ \n', '--resource'), 'https://storage.azure.com/');
  // The message shows no control character, whatever the value held.
  assert.throws(() => checkedResource('https://a\u001b[2J', '--resource'), (err: unknown) => err instanceof Error && !/[\u0000-\u001f]/.test(err.message));
});
