import assert from 'node:assert/strict';
import { test } from 'node:test';
import { challengeOf, createPkcePair, randomState, stateMatches } from '../../../src/oauth/pkce.js';
import { checkRedirectUri } from '../../../src/oauth/redirect-uri.js';
import { buildAuthorizeUrl } from '../../../src/protocols/auth-code.js';

test('PKCE S256: RFC 7636 Appendix B, and fresh 43-character verifiers', () => {
  assert.equal(challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const a = createPkcePair();
  const b = createPkcePair();
  assert.match(a.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(a.challenge, challengeOf(a.verifier));
  assert.equal(a.method, 'S256');
  assert.notEqual(a.verifier, b.verifier);
  assert.notEqual(randomState(), randomState());
});

test('state compares exactly, and a missing one never matches', () => {
  assert.ok(stateMatches('abc', 'abc'));
  for (const received of ['abd', 'ab', 'abcd', '', null, undefined]) assert.ok(!stateMatches('abc', received));
});

test('redirect URIs: plain http to loopback only, no query or fragment; port 0 or none means any', () => {
  const ok = (text: string) => {
    const check = checkRedirectUri(text);
    assert.ok(check.ok, `${text}: ${check.ok ? '' : check.problem}`);
    return check;
  };
  assert.deepEqual(ok('http://localhost:44300/reply'), { ok: true, uri: 'http://localhost:44300/reply', host: 'localhost', port: 44300, path: '/reply' });
  assert.deepEqual(ok('http://localhost'), { ok: true, uri: 'http://localhost/', host: 'localhost', port: 0, path: '/' });
  assert.equal(ok('http://localhost:0/x').port, 0);
  assert.equal(ok('http://localhost:80/x').port, 80, 'a written default port is still a port');
  assert.equal(ok('http://127.0.0.1:8400/cb').host, '127.0.0.1');
  assert.equal(ok('http://[::1]:8400/').host, '::1');
  for (const bad of ['https://localhost/reply', 'http://example.com/reply', 'http://192.168.1.2/x', 'http://localhost/x?a=b', 'http://localhost/#x', 'http://u:p@localhost/', 'localhost:44300', 'not a url']) {
    assert.ok(!checkRedirectUri(bad).ok, bad);
  }
});

test('the authorize URL carries PKCE, state, the consent scopes, an account picker, and hints only when given', () => {
  const base = { clientId: 'app', redirectUri: 'http://localhost:5000/reply', scope: ['openid', 'offline_access', 'https://x.example/.default'], state: 's', codeChallenge: 'c' };
  const url = new URL(buildAuthorizeUrl('https://login.microsoftonline.com/t/oauth2/v2.0/authorize', base));
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    client_id: 'app', response_type: 'code', redirect_uri: 'http://localhost:5000/reply', response_mode: 'query',
    scope: 'openid offline_access https://x.example/.default', state: 's', code_challenge: 'c', code_challenge_method: 'S256',
    prompt: 'select_account',
  });
  const hinted = new URL(buildAuthorizeUrl('https://login.microsoftonline.com/t/oauth2/v2.0/authorize', { ...base, loginHint: 'a@b.c', domainHint: 'b.c' }));
  assert.equal(hinted.searchParams.get('login_hint'), 'a@b.c');
  assert.equal(hinted.searchParams.get('domain_hint'), 'b.c');
});
