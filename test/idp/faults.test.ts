import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { entraErrorBody } from './entra-errors.js';
import { MFA_CLAIMS_CHALLENGE } from './entra-suberrors.js';
import { startTestIdp } from './entra.js';
import { Faults, withFaults } from './faults.js';
import { listenLoopback, sendJson, type LoopbackServer } from './http-server.js';
import { startImdsFake } from './managed-identity-fakes.js';
import { endpoint } from './self-test-support.js';
import { postForm } from './test-tools.js';

const REAL_BODY = { ok: true, padding: 'x'.repeat(300) };

describe('faults', () => {
  const faults = new Faults();
  let server: LoopbackServer;
  before(async () => {
    server = await listenLoopback(withFaults(faults, () => 'token', (_req, res) => sendJson(res, 200, REAL_BODY)));
  });
  after(() => server.close());

  test('status faults apply `times` times, then the real handler answers', async () => {
    faults.clear();
    faults.add('token', { status: 429, headers: { 'Retry-After': '2' }, body: { error: 'throttled' } }, { times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(server.url);
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '2');
      assert.deepEqual(await response.json(), { error: 'throttled' });
    }
    assert.equal((await fetch(server.url)).status, 200);
    assert.equal(faults.size, 0);
  });

  test("'*' matches every endpoint; other endpoints are not affected", async () => {
    faults.clear();
    faults.add('devicecode', { status: 503 });
    assert.equal((await fetch(server.url)).status, 200);
    faults.add('*', { htmlErrorPage: 502 }, { times: 1 });
    const response = await fetch(server.url);
    assert.equal(response.status, 502);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await response.text(), /<h1>502 Bad Gateway<\/h1>/);
  });

  test('delayMs waits, then answers for real', async () => {
    faults.clear();
    faults.add('token', { delayMs: 150 }, { times: 1 });
    const started = Date.now();
    const response = await fetch(server.url);
    assert.ok(Date.now() - started >= 140);
    assert.deepEqual(await response.json(), REAL_BODY);
  });

  test('hang never answers, drop resets, truncate cuts the body, nonJson sends HTML', async () => {
    faults.clear();
    faults.add('token', { hang: true }, { times: 1 });
    await assert.rejects(fetch(server.url, { signal: AbortSignal.timeout(200) }), /TimeoutError|aborted/);
    faults.add('token', { drop: true }, { times: 1 });
    await assert.rejects(fetch(server.url), /fetch failed/);
    faults.add('token', { truncate: true }, { times: 1 });
    const truncated = await fetch(server.url);
    assert.equal(truncated.status, 200);
    await assert.rejects(truncated.text());
    faults.add('token', { nonJson: true }, { times: 1 });
    const html = await fetch(server.url);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    await assert.rejects(html.clone().json(), SyntaxError);
  });

  test('trickle sends the real body slowly', async () => {
    faults.clear();
    faults.add('token', { trickle: { bytesPerSecond: 1000 } }, { times: 1 });
    const started = Date.now();
    const body = await (await fetch(server.url)).json();
    assert.deepEqual(body, REAL_BODY);
    assert.ok(Date.now() - started >= 250, 'about 330 bytes at 1000 B/s');
  });

  test('a hung request does not keep close() from finishing', async () => {
    const own = new Faults().add('*', { hang: true });
    const hung = await listenLoopback(withFaults(own, () => 'x', (_req, res) => { res.end(); }));
    const request = fetch(hung.url).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await hung.close();
    assert.equal(await request, 'closed');
  });

  test('the IdP and the fakes take faults per endpoint, and still log the requests', async () => {
    const idp = await startTestIdp();
    const imds = await startImdsFake();
    try {
      idp.faults.add('token', { status: 503, headers: { 'Retry-After': 'Wed, 21 Oct 2099 07:28:00 GMT' } }, { times: 1 });
      const form = { client_id: idp.confidentialClientId, client_secret: idp.clientSecret, grant_type: 'client_credentials', scope: 'https://management.azure.com/.default' };
      const first = await fetch(endpoint(idp, 'token'), { method: 'POST', body: new URLSearchParams(form) });
      assert.equal(first.status, 503);
      assert.equal(first.headers.get('retry-after'), 'Wed, 21 Oct 2099 07:28:00 GMT');
      assert.equal((await postForm(endpoint(idp, 'token'), form)).status, 200);
      assert.equal(idp.requests.count({ endpoint: 'token', grantType: 'client_credentials' }), 2);
      assert.deepEqual(idp.requests.filter({ endpoint: 'token' }).map((r) => r.status), [503, 200]);

      imds.faults.add('token', { status: 410 }, { times: 1 });
      const url = `${imds.url}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://storage.azure.com/`;
      assert.equal((await fetch(url, { headers: { Metadata: 'true' } })).status, 410);
      assert.equal((await fetch(url, { headers: { Metadata: 'true' } })).status, 200);
    } finally {
      await Promise.all([idp.close(), imds.close()]);
    }
  });

  test("entraErrorBody adds Entra's suberror and claims where they apply", () => {
    const mfa = entraErrorBody({ error: 'invalid_grant', code: 50076, description: 'MFA.' });
    assert.deepEqual([mfa.suberror, mfa.claims], ['basic_action', MFA_CLAIMS_CHALLENGE]);
    const blocked = entraErrorBody({ error: 'invalid_grant', code: 53003, description: 'Blocked.' });
    assert.deepEqual([blocked.suberror, blocked.claims], ['message_only', undefined]);
    const plain = entraErrorBody({ error: 'invalid_request', code: 90002, description: 'No tenant.' });
    assert.equal('suberror' in plain || 'claims' in plain, false);
    assert.equal(entraErrorBody({ error: 'invalid_grant', code: 50076, description: 'x', claims: '{}' }).claims, '{}');
  });
});
