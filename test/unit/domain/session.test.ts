import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasValidToken, sessionMatches, type Session } from '../../../src/domain/session.js';

function jwt(claims: object): string {
  return `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
}

const now = new Date('2026-11-21T12:00:00Z');

function session(overrides: Partial<Session>): Session {
  return {
    protocol: 'AzDeviceCodeFlowCredentials', clientId: 'C', tenant: 'T', token: jwt({ aud: 'https://management.azure.com' }),
    expiry: new Date(now.getTime() + 3600_000), refreshToken: 'r', idToken: '', redirectUri: '', resource: '', clientSecret: '',
    scope: ['openid', 'offline_access', 'https://management.azure.com/user_impersonation'], scopeAuth: [], lock: false, extra: {},
    ...overrides,
  };
}

test('a cached token is valid for the offset and only for its audience', () => {
  assert.ok(hasValidToken(session({}), now, 600));
  assert.ok(!hasValidToken(session({}), now, 3601));
  assert.ok(!hasValidToken(session({ token: '' }), now, 0));
  assert.ok(!hasValidToken(session({ token: jwt({ aud: 'https://storage.azure.com' }) }), now, 0));
  assert.ok(hasValidToken(session({ token: 'opaque-not-a-jwt' }), now, 0), 'a token that is not a JWT is trusted on its expiry');
});

test('sessions match on protocol, authority, client, tenant and scope set; ids compare without case', () => {
  const query = {
    protocol: 'AzDeviceCodeFlowCredentials' as const, clientId: 'c', tenant: 't', authority: 'https://login.microsoftonline.com',
    scope: ['https://management.azure.com/user_impersonation', 'offline_access', 'openid'], resource: '',
  };
  assert.ok(sessionMatches(session({}), query));
  assert.ok(!sessionMatches(session({ authority: 'https://login.microsoftonline.us' }), query));
  assert.ok(!sessionMatches(session({ scope: ['openid'] }), query));
  const vm = session({ protocol: 'AzVMCredentials', clientId: '', tenant: '', resource: 'https://management.azure.com/' });
  assert.ok(sessionMatches(vm, { ...query, protocol: 'AzVMCredentials', resource: 'https://management.azure.com/' }));
  assert.ok(!sessionMatches(vm, { ...query, protocol: 'AzVMCredentials', resource: 'https://management.azure.com/', options: { client_id: 'x' } }));
});

test('auth code sessions also match on redirect URI; an empty one is AzSessions.jl\'s default', () => {
  const query = {
    protocol: 'AzAuthCodeFlowCredentials' as const, clientId: 'C', tenant: 'T', authority: 'https://login.microsoftonline.com',
    scope: ['openid', 'offline_access', 'https://management.azure.com/user_impersonation'], resource: '',
  };
  const made = (redirectUri: string) => session({ protocol: 'AzAuthCodeFlowCredentials', redirectUri });
  assert.ok(sessionMatches(made('http://localhost:44300/reply'), query), 'no redirect URI asked: the default');
  assert.ok(sessionMatches(made(''), { ...query, redirectUri: 'http://localhost:44300/reply' }));
  assert.ok(sessionMatches(made('http://localhost:8400'), { ...query, redirectUri: 'http://localhost:8400/' }), 'compared as URLs');
  assert.ok(!sessionMatches(made('http://localhost:8400/'), query));
  assert.ok(!sessionMatches(made('http://localhost:44300/reply'), { ...query, redirectUri: 'http://localhost/other' }));
  assert.ok(sessionMatches(session({ redirectUri: 'http://localhost/x' }), { ...query, protocol: 'AzDeviceCodeFlowCredentials' }), 'device code ignores it');
});
