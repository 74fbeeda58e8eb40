import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestIdp, type TestIdp } from './entra.js';
import { HttpBrowser, findForm, textById } from './http-browser.js';
import { listenLoopback } from './http-server.js';
import { assertEntraError, endpoint } from './self-test-support.js';
import { createPkcePair, decodeJwt, postForm } from './test-tools.js';

const SCOPE = 'openid profile offline_access https://management.azure.com/.default https://storage.azure.com/.default';

function authorizeUrl(idp: TestIdp, params: Record<string, string>): string {
  return `${endpoint(idp, 'authorize')}?${new URLSearchParams({
    client_id: idp.publicClientId, response_type: 'code', scope: SCOPE, state: 'st4te', response_mode: 'query', ...params,
  })}`;
}

function redeem(idp: TestIdp, code: string, redirectUri: string, verifier: string) {
  return postForm(endpoint(idp, 'token'), {
    client_id: idp.publicClientId, grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
    scope: 'openid offline_access https://management.azure.com/.default', client_info: '1',
  });
}

describe('test IdP: authorization code flow with PKCE', () => {
  let idp: TestIdp;
  before(async () => { idp = await startTestIdp(); });
  after(() => idp.close());

  test('the pages can be walked over HTTP: login (wrong password stays), consent, redirect, redemption', async () => {
    const pkce = createPkcePair();
    const redirectUri = 'http://localhost:53127/reply';
    const browser = new HttpBrowser(idp.url);
    const start = await browser.get(authorizeUrl(idp, {
      redirect_uri: redirectUri, code_challenge: pkce.challenge, code_challenge_method: 'S256', prompt: 'select_account',
    }));
    assert.match(start.url, new RegExp(`^${idp.authority}/interaction/`));
    const login = findForm(start.html, 'login-form', start.url)!;
    assert.ok(login && start.html.includes('id="username"') && start.html.includes('id="password"') && start.html.includes('type="submit"'));

    const retry = await browser.post(login.action, { username: idp.username, password: 'nope' });
    assert.equal(retry.status, 200);
    assert.match(textById(retry.html, 'error') ?? '', /AADSTS50126/);
    assert.ok(findForm(retry.html, 'login-form', retry.url), 'still on the login page');

    const consentPage = await browser.post(login.action, { username: idp.username, password: idp.password });
    const consent = findForm(consentPage.html, 'consent-form', consentPage.url)!;
    assert.ok(consent && consentPage.html.includes('id="accept"') && consentPage.html.includes('id="decline"'));
    assert.match(consentPage.html, /https:\/\/storage\.azure\.com\/user_impersonation/);

    const back = await browser.post(consent.action, { action: 'accept' });
    assert.ok(back.location?.startsWith(`${redirectUri}?`), back.location);
    const params = new URL(back.location!).searchParams;
    assert.equal(params.get('state'), 'st4te');
    const code = params.get('code')!;
    assert.ok(idp.issued.has(code), 'authorization codes are recorded');

    const token = await redeem(idp, code, redirectUri, pkce.verifier);
    assert.equal(token.status, 200, JSON.stringify(token.json));
    assert.equal(decodeJwt(token.json.access_token).aud, 'https://management.azure.com');
    assert.ok(token.json.refresh_token && token.json.id_token);
    assert.deepEqual(JSON.parse(Buffer.from(token.json.client_info, 'base64url').toString()), { uid: idp.users[0]!.oid, utid: idp.tenantId });
    assertEntraError(await redeem(idp, code, redirectUri, pkce.verifier), 400, 'invalid_grant', 54005);
  });

  test('a wrong code_verifier fails with AADSTS501481', async () => {
    const pkce = createPkcePair();
    const redirectUri = 'http://localhost:44300/reply';
    const result = await idp.completeAuthorization(authorizeUrl(idp, {
      redirect_uri: redirectUri, code_challenge: pkce.challenge, code_challenge_method: 'S256',
    }), { deliver: false });
    assert.ok(result.code);
    assertEntraError(await redeem(idp, result.code, redirectUri, createPkcePair().verifier), 400, 'invalid_grant', 501481);
  });

  test('declining redirects with access_denied and the state', async () => {
    const pkce = createPkcePair();
    const result = await idp.completeAuthorization(authorizeUrl(idp, {
      redirect_uri: 'http://localhost:40000', code_challenge: pkce.challenge, code_challenge_method: 'S256',
    }), { decline: true, deliver: false });
    assert.ok(result.redirectUrl.startsWith('http://localhost:40000/?'));
    assert.equal(result.error, 'access_denied');
    assert.match(result.errorDescription ?? '', /^AADSTS65004: /);
    assert.equal(result.state, 'st4te');
    assert.equal(result.code, undefined);
  });

  test('completeAuthorization delivers the redirect to the app listener', async () => {
    let received: string | undefined;
    const app = await listenLoopback((req, res) => { received = req.url; res.end('done'); });
    try {
      const pkce = createPkcePair();
      const result = await idp.completeAuthorization(authorizeUrl(idp, {
        redirect_uri: `http://localhost:${app.port}/`, code_challenge: pkce.challenge, code_challenge_method: 'S256',
      }));
      assert.deepEqual(result.delivered, { status: 200, body: 'done' });
      assert.equal(new URLSearchParams(received!.slice(2)).get('code'), result.code);
    } finally {
      await app.close();
    }
  });

  test('PKCE is required of public clients; unregistered redirects are refused', async () => {
    const missing = await fetch(authorizeUrl(idp, { redirect_uri: 'http://localhost:5000/' }), { redirect: 'manual' });
    assert.equal(missing.status, 303);
    assert.match(missing.headers.get('location') ?? '', /error=invalid_request/);
    const pkce = { code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' };
    for (const unregistered of ['https://evil.example.com/', 'http://localhost:5000/other', 'http://localhost:5000/Reply', 'http://127.0.0.1:5000/', 'http://localhost:5000/reply?x=1']) {
      const refused = await fetch(authorizeUrl(idp, { redirect_uri: unregistered, ...pkce }), { redirect: 'manual' });
      assert.equal(refused.status, 400, unregistered);
      assert.match(await refused.text(), /AADSTS50011/, `${unregistered}: the path must match what the app registered`);
    }
    for (const registered of ['http://localhost:5000/reply', 'http://localhost:1/', 'http://localhost']) {
      const accepted = await fetch(authorizeUrl(idp, { redirect_uri: registered, ...pkce }), { redirect: 'manual' });
      assert.equal(accepted.status, 303, `${registered}: the port is ignored on localhost`);
    }
    const unknownResource = await fetch(authorizeUrl(idp, { redirect_uri: 'http://localhost:5000/', scope: 'https://nope.example.com/.default' }), { redirect: 'manual' });
    assert.match(unknownResource.headers.get('location') ?? '', /error=invalid_resource&error_description=AADSTS500011/);
  });
});
