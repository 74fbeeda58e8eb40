import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { TEST_TENANT_DOMAIN } from './constants.js';
import { DevicePolling } from './entra-device-polling.js';
import { startTestIdp, type TestIdp } from './entra.js';
import {
  DEVICE_CODE_GRANT, assertEntraError, endpoint, pollDeviceCode, refresh, requestDeviceCode, signInWithDeviceCode, verifyWithIdpKeys,
} from './self-test-support.js';
import { decodeJwt, getJson, postForm } from './test-tools.js';

const ARM_AND_STORAGE = 'openid profile offline_access https://management.azure.com//user_impersonation https://storage.azure.com/user_impersonation';

describe('test IdP: device code flow and refresh', () => {
  let idp: TestIdp;
  before(async () => { idp = await startTestIdp({ deviceCodeInterval: 0 }); });
  after(() => idp.close());

  test('devicecode answers in Entra shape, with the tenant in the verification URI', async () => {
    const code = await requestDeviceCode(idp, ARM_AND_STORAGE);
    assert.equal(code.status, 200);
    assert.deepEqual(Object.keys(code.json).sort(), ['device_code', 'expires_in', 'interval', 'message', 'user_code', 'verification_uri']);
    assert.equal(code.json.verification_uri, `${idp.authority}/devicelogin`);
    assert.equal(code.json.expires_in, 900);
    assert.match(code.json.message, new RegExp(`enter the code ${code.json.user_code} to authenticate`));
    assert.ok(idp.issued.has(code.json.device_code));
  });

  test('pending before approval, Entra-shaped tokens after approval through the pages', async () => {
    const code = await requestDeviceCode(idp, ARM_AND_STORAGE);
    assertEntraError(await pollDeviceCode(idp, code.json.device_code), 400, 'authorization_pending', 70016);
    await idp.approveDeviceCode(code.json.user_code);
    const token = await pollDeviceCode(idp, code.json.device_code);
    assert.equal(token.status, 200, JSON.stringify(token.json));
    assert.deepEqual(Object.keys(token.json),
      ['token_type', 'scope', 'expires_in', 'ext_expires_in', 'access_token', 'refresh_token', 'id_token']);
    assert.equal(token.json.token_type, 'Bearer');
    assert.equal(token.json.expires_in, 3600);
    assert.equal(token.json.scope, 'https://management.azure.com//user_impersonation openid profile offline_access');

    const claims = decodeJwt(token.json.access_token);
    assert.equal(claims.aud, 'https://management.azure.com/', 'trailing slash kept as asked');
    assert.equal(claims.tid, idp.tenantId);
    assert.equal(claims.iss, `https://sts.windows.net/${idp.tenantId}/`, 'ARM takes v1 tokens');
    assert.equal(claims.ver, '1.0');
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal(claims.nbf, claims.iat);
    assert.equal(claims.oid, idp.users[0]!.oid);
    assert.equal(claims.sub, claims.oid);
    assert.equal(claims.appid, idp.publicClientId);
    assert.equal(claims.scp, 'user_impersonation');
    assert.equal(claims.upn, idp.username);
    assert.equal(claims.unique_name, idp.username);
    for (const v2Only of ['azp', 'azpacr', 'preferred_username']) assert.equal(claims[v2Only], undefined, `no ${v2Only} in a v1 token`);
    assert.ok(await verifyWithIdpKeys(idp, token.json.access_token), 'signed by a key of the JWKS');

    const id = decodeJwt(token.json.id_token);
    assert.equal(id.aud, idp.publicClientId);
    assert.equal(id.preferred_username, idp.username);
    for (const value of [token.json.access_token, token.json.refresh_token, token.json.id_token, code.json.device_code]) {
      assert.ok(idp.issued.has(value));
    }
    assert.deepEqual(idp.issued.findIn(`log: Bearer ${token.json.access_token}`), [token.json.access_token]);
    assert.equal(idp.requests.count({ endpoint: 'token', grantType: DEVICE_CODE_GRANT, status: 200 }), 1);
  });

  test('a refresh token serves every resource consented at sign-in, and only those', async () => {
    const first = await signInWithDeviceCode(idp, ARM_AND_STORAGE);
    const storage = await refresh(idp, first.refresh_token, 'https://storage.azure.com/.default openid offline_access');
    assert.equal(storage.status, 200, JSON.stringify(storage.json));
    const storageClaims = decodeJwt(storage.json.access_token);
    assert.equal(storageClaims.aud, 'https://storage.azure.com');
    assert.deepEqual([storageClaims.iss, storageClaims.ver, storageClaims.azp], [`${idp.authority}/v2.0`, '2.0', idp.publicClientId]);
    assert.equal(storage.json.scope, 'https://storage.azure.com/user_impersonation openid offline_access');
    assert.ok(storage.json.refresh_token && storage.json.refresh_token !== first.refresh_token, 'a fresh refresh token each time');

    const armAgain = await refresh(idp, first.refresh_token, 'https://management.azure.com/.default');
    assert.equal(armAgain.status, 200, 'the used refresh token stays valid (no rotation by default)');
    assert.equal(decodeJwt(armAgain.json.access_token).aud, 'https://management.azure.com');

    const twoResources = await refresh(idp, first.refresh_token, 'https://storage.azure.com/.default https://management.azure.com/.default');
    assert.equal(decodeJwt(twoResources.json.access_token).aud, 'https://storage.azure.com', 'first resource wins');

    const vault = await refresh(idp, first.refresh_token, 'https://vault.azure.net/.default');
    assertEntraError(vault, 400, 'invalid_grant', 65001);
    assert.equal(vault.json.suberror, 'consent_required');
    assertEntraError(await refresh(idp, first.refresh_token, 'https://nothing.example.com/.default'), 400, 'invalid_resource', 500011);
    assertEntraError(await refresh(idp, 'not-a-refresh-token', 'https://storage.azure.com/.default'), 400, 'invalid_grant', 9002313);
  });

  test('GUID resources get the bare app id as audience', async () => {
    const token = await signInWithDeviceCode(idp, 'offline_access 499b84ac-1321-427f-aa17-267ca6975798/.default 6dae42f8-4368-4678-94ff-3960e28e3630/.default');
    assert.equal(decodeJwt(token.access_token).aud, '499b84ac-1321-427f-aa17-267ca6975798');
    const aks = await refresh(idp, token.refresh_token, '6dae42f8-4368-4678-94ff-3960e28e3630/.default');
    assert.equal(decodeJwt(aks.json.access_token).aud, '6dae42f8-4368-4678-94ff-3960e28e3630');
    assert.equal(decodeJwt(aks.json.access_token).scp, 'user.read');
    assert.deepEqual([decodeJwt(aks.json.access_token).iss, decodeJwt(aks.json.access_token).ver], [`https://sts.windows.net/${idp.tenantId}/`, '1.0'], 'AKS takes v1 tokens');
    assert.equal(token.id_token, undefined, 'no id_token without openid');
  });

  test('no refresh token without offline_access', async () => {
    const token = await signInWithDeviceCode(idp, 'openid https://management.azure.com/.default');
    assert.equal(token.refresh_token, undefined);
    assert.ok(token.id_token);
  });

  test('declining, unknown codes and wrong passwords', async () => {
    const code = await requestDeviceCode(idp, ARM_AND_STORAGE);
    await idp.approveDeviceCode(code.json.user_code, { decline: true });
    assertEntraError(await pollDeviceCode(idp, code.json.device_code), 400, 'authorization_declined', 65004);
    assertEntraError(await pollDeviceCode(idp, 'no-such-device-code'), 400, 'bad_verification_code', 70018);
    const abandoned = await requestDeviceCode(idp, ARM_AND_STORAGE);
    await assert.rejects(idp.approveDeviceCode(abandoned.json.user_code, { password: 'wrong' }), /AADSTS50126/);
    await assert.rejects(idp.approveDeviceCode('BCDFGHJKL'), /AADSTS70018/);
    const other = await requestDeviceCode(idp, ARM_AND_STORAGE);
    await idp.approveDeviceCode(other.json.user_code, { username: idp.users[1]!.username, password: idp.users[1]!.password });
    const bob = await pollDeviceCode(idp, other.json.device_code);
    assert.equal(decodeJwt(bob.json.access_token).upn, idp.users[1]!.username);
  });

  test('revoked refresh tokens fail; later sign-ins work', async () => {
    const first = await signInWithDeviceCode(idp, ARM_AND_STORAGE);
    idp.revokeRefreshTokens();
    const revoked = await refresh(idp, first.refresh_token, 'https://management.azure.com/.default');
    assertEntraError(revoked, 400, 'invalid_grant', 50173);
    assert.equal(revoked.json.suberror, 'bad_token');
    assert.equal(revoked.json.claims, undefined);
    const second = await signInWithDeviceCode(idp, ARM_AND_STORAGE);
    assert.equal((await refresh(idp, second.refresh_token, 'https://storage.azure.com/.default')).status, 200);
    idp.revokeRefreshTokens('inactive');
    assertEntraError(await refresh(idp, second.refresh_token, 'https://storage.azure.com/.default'), 400, 'invalid_grant', 700082);
  });

  test('tenants: domain alias and common work, unknown tenants fail with AADSTS90002', async () => {
    assert.equal((await requestDeviceCode(idp, ARM_AND_STORAGE, TEST_TENANT_DOMAIN)).status, 200);
    const common = await requestDeviceCode(idp, ARM_AND_STORAGE, 'common');
    assert.equal(common.json.verification_uri, `${idp.url}/common/devicelogin`);
    const unknown = await requestDeviceCode(idp, ARM_AND_STORAGE, 'contoso.onmicrosoft.com');
    assertEntraError(unknown, 400, 'invalid_request', 90002);
    const discovery = await getJson(`${idp.url}/organizations/v2.0/.well-known/openid-configuration`);
    assert.equal(discovery.json.token_endpoint, `${idp.url}/organizations/oauth2/v2.0/token`);
    assert.equal(discovery.json.jwks_uri, `${idp.url}/organizations/discovery/v2.0/keys`);
  });

  test('client-request-id is echoed and becomes the correlation id', async () => {
    const id = '0f0e0d0c-0b0a-4908-8706-050403020100';
    const response = await postForm(endpoint(idp, 'token'), { client_id: idp.publicClientId, grant_type: DEVICE_CODE_GRANT, device_code: 'x' },
      { 'client-request-id': id });
    assert.equal(response.headers.get('client-request-id'), id);
    assert.equal(response.json.correlation_id, id);
    assert.equal(response.headers.get('x-ms-request-id'), response.json.trace_id);
  });

  test("Entra's diagnostic headers are on every answer, a faulted one included", async () => {
    const id = '0f0e0d0c-0b0a-4908-8706-050403020101';
    idp.faults.add('token', { status: 429, headers: { 'Retry-After': '1' }, body: {} }, { times: 1 });
    const faulted = await postForm(endpoint(idp, 'token'), { client_id: idp.publicClientId }, { 'client-request-id': id });
    const real = await getJson(`${idp.authority}/v2.0/.well-known/openid-configuration`);
    for (const response of [faulted, real]) {
      assert.match(response.headers.get('x-ms-request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.match(response.headers.get('x-ms-ests-server') ?? '', /ProdSlices$/);
    }
    assert.equal(faulted.status, 429);
    assert.equal(faulted.headers.get('client-request-id'), id);
  });

  test('unknown resources and public clients with secrets are refused', async () => {
    assertEntraError(await requestDeviceCode(idp, 'https://unknown.example.com/.default'), 400, 'invalid_resource', 500011);
    assertEntraError(await requestDeviceCode(idp, 'https://management.azure.com/not_a_permission'), 400, 'invalid_scope', 70011);
    // As Entra: a /.default stands alone beside the OIDC scopes.
    assertEntraError(await requestDeviceCode(idp, 'openid offline_access https://vault.azure.net/.default https://storage.azure.com/user_impersonation'), 400, 'invalid_scope', 70011);
    assertEntraError(await requestDeviceCode(idp, 'https://storage.azure.com/.default https://storage.azure.com/user_impersonation'), 400, 'invalid_scope', 70011);
    const secret = await postForm(endpoint(idp, 'devicecode'), { client_id: idp.publicClientId, client_secret: 'x', scope: ARM_AND_STORAGE });
    assertEntraError(secret, 401, 'invalid_client', 700025);
    const unknown = await postForm(endpoint(idp, 'devicecode'), { client_id: '00000000-0000-0000-0000-000000000001', scope: ARM_AND_STORAGE });
    assertEntraError(unknown, 400, 'unauthorized_client', 700016);
  });
});

describe('test IdP: polling rate, expiry and rotation', () => {
  test('the interval is 5 s by default and holds from the first poll; slow_down adds 5 s for the rest of the flow', async () => {
    const idp = await startTestIdp();
    try {
      const code = await requestDeviceCode(idp, 'https://management.azure.com/.default');
      assert.equal(code.json.interval, 5, "Entra's default");
      assertEntraError(await pollDeviceCode(idp, code.json.device_code), 400, 'slow_down', undefined);
      assertEntraError(await pollDeviceCode(idp, code.json.device_code), 400, 'slow_down', undefined);
      assert.equal(idp.requests.count({ endpoint: 'token', status: 400 }), 2);
    } finally {
      await idp.close();
    }
  });

  test('DevicePolling: first poll measured from the answer, each slow_down remembered', () => {
    let now = 0;
    const polling = new DevicePolling(3, () => now);
    polling.issued('c');
    now = 2990;
    assert.equal(polling.tooEarly('c'), false, 'within the 20 ms a timer may fire early');
    now += 2000;
    assert.equal(polling.tooEarly('c'), true);
    assert.equal(polling.intervalOf('c'), 8);
    now += 7000;
    assert.equal(polling.tooEarly('c'), true, '8 s now, not 3');
    assert.equal(polling.intervalOf('c'), 13);
    now += 13_000;
    assert.equal(polling.tooEarly('c'), false);
    polling.issued('d');
    assert.equal(polling.tooEarly('d'), true, 'a poll right after the answer is too early');
    assert.equal(polling.tooEarly('unknown'), false, 'left to the grant');
  });

  test('expired device codes and refresh tokens', async () => {
    // Lifetimes long enough for the sign-in itself on a loaded machine.
    const idp = await startTestIdp({ deviceCodeInterval: 0, deviceCodeExpiresIn: 4, refreshTokenTtl: 4 });
    try {
      const token = await signInWithDeviceCode(idp, 'offline_access https://management.azure.com/.default');
      const code = await requestDeviceCode(idp, 'https://management.azure.com/.default');
      await new Promise((resolve) => setTimeout(resolve, 5100));
      assertEntraError(await pollDeviceCode(idp, code.json.device_code), 400, 'expired_token', 70019);
      assertEntraError(await refresh(idp, token.refresh_token, 'https://management.azure.com/.default'), 400, 'invalid_grant', 70008);
    } finally {
      await idp.close();
    }
  });

  test('rotateRefreshTokens: a reused refresh token fails and revokes the grant', async () => {
    const idp = await startTestIdp({ deviceCodeInterval: 0, rotateRefreshTokens: true });
    try {
      const first = await signInWithDeviceCode(idp, 'offline_access https://management.azure.com/.default');
      const second = await refresh(idp, first.refresh_token, 'https://management.azure.com/.default');
      assert.equal(second.status, 200);
      assertEntraError(await refresh(idp, first.refresh_token, 'https://management.azure.com/.default'), 400, 'invalid_grant', 70000);
      assert.equal((await refresh(idp, second.json.refresh_token, 'https://management.azure.com/.default')).status, 400);
    } finally {
      await idp.close();
    }
  });
});
