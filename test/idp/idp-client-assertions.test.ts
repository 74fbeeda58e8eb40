import assert from 'node:assert/strict';
import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { SignJWT } from 'jose';

import { startAzurePipelinesOidcFake, startGitHubOidcFake, type CiOidcFake } from './ci-oidc-fakes.js';
import { FEDERATED_AUDIENCE, TEST_CLIENT_CERTIFICATE_PATH, TEST_OTHER_CERTIFICATE_PATH } from './constants.js';
import { JWT_BEARER } from './entra-client-assertion.js';
import { startTestIdp, type TestIdp } from './entra.js';
import { assertEntraError, endpoint } from './self-test-support.js';
import { decodeJwt, getJson, postForm } from './test-tools.js';
import { startTestTokenIssuer, type TestTokenIssuer } from './token-issuer.js';

/** Signs a certificate assertion with jose, as any client library would. */
async function certificateAssertion(
  pemPath: string,
  claims: { aud: string; iss: string; sub?: string; exp?: number },
  alg: 'PS256' | 'RS256' = 'PS256',
): Promise<string> {
  const pem = readFileSync(pemPath, 'utf8');
  const cert = new X509Certificate(pem);
  const thumbprint = (hash: string) => createHash(hash).update(cert.raw).digest('base64url');
  const header = alg === 'PS256' ? { alg, typ: 'JWT', 'x5t#S256': thumbprint('sha256') } : { alg, typ: 'JWT', x5t: thumbprint('sha1') };
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader(header)
    .setAudience(claims.aud).setIssuer(claims.iss).setSubject(claims.sub ?? claims.iss)
    .setNotBefore(now).setIssuedAt(now).setExpirationTime(claims.exp ?? now + 600)
    .sign(createPrivateKey(pem));
}

describe('test IdP: client assertions', () => {
  let idp: TestIdp;
  let github: CiOidcFake;
  let pipelines: CiOidcFake;
  let cluster: TestTokenIssuer;
  before(async () => {
    [idp, github, pipelines, cluster] = await Promise.all([startTestIdp(), startGitHubOidcFake(), startAzurePipelinesOidcFake(), startTestTokenIssuer()]);
    idp.addFederatedCredential(github.federatedCredential());
    idp.addFederatedCredential(pipelines.federatedCredential());
    idp.addFederatedCredential({ issuer: cluster.issuer, subject: 'system:serviceaccount:ci:runner' });
  });
  after(() => Promise.all([idp.close(), github.close(), pipelines.close(), cluster.close()]));

  const tokenUrl = () => endpoint(idp, 'token');
  const ask = (assertion: string, extra: Record<string, string> = {}) => postForm(tokenUrl(), {
    grant_type: 'client_credentials', client_id: idp.confidentialClientId, scope: 'https://management.azure.com/.default',
    client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra,
  });
  const mine = { iss: '', aud: '' };
  before(() => { Object.assign(mine, { iss: idp.confidentialClientId, aud: tokenUrl() }); });

  test('a certificate assertion (PS256 + x5t#S256, or RS256 + x5t) gets a token with appidacr 2, and may be reused', async () => {
    const ps256 = await certificateAssertion(TEST_CLIENT_CERTIFICATE_PATH, mine);
    for (const assertion of [ps256, ps256, await certificateAssertion(TEST_CLIENT_CERTIFICATE_PATH, mine, 'RS256')]) {
      const token = await ask(assertion);
      assert.equal(token.status, 200, JSON.stringify(token.json));
      assert.equal(decodeJwt(token.json.access_token).appidacr, '2');
    }
    assert.ok(idp.issued.has(ps256), 'assertions received are recorded for leak checks');
  });

  test('an unregistered certificate, a bad signature, a wrong audience or subject, an expired assertion are refused', async () => {
    assertEntraError(await ask(await certificateAssertion(TEST_OTHER_CERTIFICATE_PATH, mine)), 401, 'invalid_client', 700027);
    const good = await certificateAssertion(TEST_CLIENT_CERTIFICATE_PATH, mine);
    const tampered = `${good.slice(0, good.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
    assertEntraError(await ask(tampered), 401, 'invalid_client', 700027);
    assertEntraError(await ask(await certificateAssertion(TEST_CLIENT_CERTIFICATE_PATH, { ...mine, aud: `${idp.url}/common/oauth2/token` })), 401, 'invalid_client', 700023);
    assertEntraError(await ask(await certificateAssertion(TEST_CLIENT_CERTIFICATE_PATH, { ...mine, sub: 'someone-else' })), 401, 'invalid_client', 50048);
    const expired = await certificateAssertion(TEST_CLIENT_CERTIFICATE_PATH, { ...mine, exp: Math.floor(Date.now() / 1000) - 120 });
    assertEntraError(await ask(expired), 401, 'invalid_client', 700024);
    assertEntraError(await ask('not-a-jwt'), 400, 'invalid_request', 50027);
  });

  test('federated tokens from GitHub, Azure Pipelines and a cluster are checked against the federated credentials', async () => {
    const fromGitHub = await getJson(`${github.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(FEDERATED_AUDIENCE)}`,
      { authorization: `Bearer ${github.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` });
    const ok = await ask(fromGitHub.json.value);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(decodeJwt(ok.json.access_token).appidacr, '2');
    const ado = await fetch(`${pipelines.env.SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=${pipelines.env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID}`,
      { method: 'POST', headers: { authorization: `Bearer ${pipelines.env.SYSTEM_ACCESSTOKEN}` } });
    assert.equal((await ask(((await ado.json()) as { oidcToken: string }).oidcToken)).status, 200);
    assert.equal((await ask(cluster.sign({ subject: 'system:serviceaccount:ci:runner', audience: FEDERATED_AUDIENCE }))).status, 200);
    assert.equal(cluster.requests.count({ endpoint: 'discovery' }), 1, 'the issuer keys are found through its discovery document');

    assertEntraError(await ask(cluster.sign({ subject: 'system:serviceaccount:ci:runner', audience: 'api://Other' })), 400, 'invalid_request', 700212);
    assertEntraError(await ask(cluster.sign({ subject: 'system:serviceaccount:ci:other', audience: FEDERATED_AUDIENCE })), 400, 'invalid_request', 70021);
    assertEntraError(await ask(cluster.sign({ subject: 'system:serviceaccount:ci:runner', audience: FEDERATED_AUDIENCE, ttl: -120 })), 401, 'invalid_client', 700024);
    const stranger = await startTestTokenIssuer();
    try {
      assertEntraError(await ask(stranger.sign({ subject: 'system:serviceaccount:ci:runner', audience: FEDERATED_AUDIENCE })), 400, 'invalid_request', 700211);
      // Signed by another key while naming the registered issuer.
      const forged = stranger.sign({ subject: 'system:serviceaccount:ci:runner', audience: FEDERATED_AUDIENCE, extra: { iss: cluster.issuer } });
      assertEntraError(await ask(forged), 401, 'invalid_client', 700027);
    } finally {
      await stranger.close();
    }
  });

  test('claims: cp1 gets a long-lived (CAE) token, and a requested acrs value goes into the token', async () => {
    const assertion = await certificateAssertion(TEST_CLIENT_CERTIFICATE_PATH, mine);
    const cae = await ask(assertion, { claims: JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] }, acrs: { essential: true, value: 'c1' } } }) });
    assert.equal(cae.status, 200, JSON.stringify(cae.json));
    assert.equal(cae.json.expires_in, 86400);
    assert.deepEqual(decodeJwt(cae.json.access_token).acrs, ['c1']);
    assert.equal((await ask(assertion)).json.expires_in, 3600);
  });
});
