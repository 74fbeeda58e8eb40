import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { LoopDetector, loopKey } from './entra-loop-detection.js';
import { startTestIdp, type TestIdp } from './entra.js';
import { assertEntraError, endpoint } from './self-test-support.js';
import { decodeJwt, postForm } from './test-tools.js';

describe('test IdP: client credentials', () => {
  let idp: TestIdp;
  before(async () => { idp = await startTestIdp({ accessTokenTtl: 600 }); });
  after(() => idp.close());

  const ask = (form: Record<string, string>, tenant?: string, headers?: Record<string, string>) =>
    postForm(endpoint(idp, 'token', tenant), { grant_type: 'client_credentials', ...form }, headers);

  test('the right secret gets an app-only token with no refresh token', async () => {
    const token = await ask({ client_id: idp.confidentialClientId, client_secret: idp.clientSecret, scope: 'https://management.azure.com//.default' });
    assert.equal(token.status, 200, JSON.stringify(token.json));
    assert.deepEqual(Object.keys(token.json), ['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
    assert.equal(token.json.expires_in, 600);
    const claims = decodeJwt(token.json.access_token);
    assert.equal(claims.aud, 'https://management.azure.com/');
    assert.equal(claims.appid, idp.confidentialClientId);
    assert.equal(claims.idtyp, 'app');
    assert.equal(claims.scp, undefined);
    assert.equal(claims.tid, idp.tenantId);
    assert.deepEqual([claims.iss, claims.ver, claims.azp], [`https://sts.windows.net/${idp.tenantId}/`, '1.0', undefined], 'a v1 token, as ARM gets');
    assert.equal(idp.requests.last({ endpoint: 'token' })?.grantType, 'client_credentials');
  });

  test('Basic client authentication is accepted too', async () => {
    const basic = Buffer.from(`${idp.confidentialClientId}:${encodeURIComponent(idp.clientSecret)}`).toString('base64');
    const token = await ask({ scope: 'https://vault.azure.net/.default' }, idp.tenantDomain, { authorization: `Basic ${basic}` });
    assert.equal(token.status, 200, JSON.stringify(token.json));
    assert.equal(decodeJwt(token.json.access_token).aud, 'https://vault.azure.net');
    assert.equal(idp.requests.last({ endpoint: 'token' })?.clientId, idp.confidentialClientId);
  });

  test('a wrong secret is AADSTS7000215 (401), a missing one AADSTS7000218', async () => {
    assertEntraError(await ask({ client_id: idp.confidentialClientId, client_secret: 'wrong', scope: 'https://management.azure.com/.default' }),
      401, 'invalid_client', 7000215);
    assertEntraError(await ask({ client_id: idp.confidentialClientId, scope: 'https://management.azure.com/.default' }), 401, 'invalid_client', 7000218);
  });

  test('over /organizations, /common and /consumers it fails with AADSTS9001023', async () => {
    for (const tenant of ['organizations', 'common', 'consumers']) {
      assertEntraError(await ask({ client_id: idp.confidentialClientId, client_secret: idp.clientSecret, scope: 'https://management.azure.com/.default' }, tenant),
        400, 'invalid_request', 9001023);
    }
  });

  test('scope must be exactly one resource with /.default', async () => {
    const base = { client_id: idp.confidentialClientId, client_secret: idp.clientSecret };
    assertEntraError(await ask({ ...base, scope: 'https://management.azure.com/.default https://storage.azure.com/.default' }), 400, 'invalid_scope', 700022);
    assertEntraError(await ask({ ...base, scope: 'https://management.azure.com/user_impersonation' }), 400, 'invalid_scope', 1002012);
    assertEntraError(await ask({ ...base, scope: 'https://unknown.example.com/.default' }), 400, 'invalid_resource', 500011);
    assertEntraError(await ask(base), 400, 'invalid_request', 900144);
  });

  test('unknown and public clients', async () => {
    assertEntraError(await ask({ client_id: '11111111-2222-4333-8444-555555555555', client_secret: 'x', scope: 'https://management.azure.com/.default' }),
      400, 'unauthorized_client', 700016);
    assertEntraError(await ask({ client_id: idp.publicClientId, client_secret: 'x', scope: 'https://management.azure.com/.default' }),
      401, 'invalid_client', 700025);
    assertEntraError(await ask({ client_id: idp.publicClientId, scope: 'https://management.azure.com/.default' }), 400, 'unauthorized_client', 70003);
  });
});

describe('test IdP: loop detection (AADSTS50196)', () => {
  test('more than `threshold` identical token requests within the window are refused; other requests are not', async () => {
    const idp = await startTestIdp({ loopDetection: { threshold: 2, windowSeconds: 60 } });
    try {
      const form = { grant_type: 'client_credentials', client_id: idp.confidentialClientId, client_secret: idp.clientSecret, scope: 'https://vault.azure.net/.default' };
      for (let i = 0; i < 2; i++) assert.equal((await postForm(endpoint(idp, 'token'), form)).status, 200);
      const third = await postForm(endpoint(idp, 'token'), form);
      assertEntraError(third, 400, 'invalid_request', 50196);
      assert.equal((await postForm(endpoint(idp, 'token'), { ...form, scope: 'https://storage.azure.com/.default' })).status, 200, 'another request');
      idp.resetLoopDetection();
      assert.equal((await postForm(endpoint(idp, 'token'), form)).status, 200, 'after a reset');
    } finally {
      await idp.close();
    }
  });

  test('LoopDetector: the window slides, device code polls never count, field order does not matter', () => {
    let now = 0;
    const loops = new LoopDetector({ threshold: 12, windowSeconds: 300 }, () => now);
    const key = loopKey('T', { grant_type: 'refresh_token', refresh_token: 'r', scope: 's' });
    for (let i = 0; i < 12; i++, now += 1000) assert.equal(loops.isLoop(key), false, `request ${i + 1}`);
    assert.equal(loops.isLoop(key), true, 'the 13th within 300 s');
    now += 300_000;
    assert.equal(loops.isLoop(key), false, 'the window has passed');
    assert.equal(loopKey('T', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'd' }), undefined);
    assert.equal(loopKey('t', { client_assertion: 'a', scope: 's' }), loopKey('T', { scope: 's', client_assertion: 'a' }));
    assert.equal(new LoopDetector(false).isLoop(key), false, 'off');
  });
});
