import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { TEST_SYSTEM_IDENTITY, TEST_USER_ASSIGNED_IDENTITY, TEST_USERS } from './constants.js';
import { startAppServiceFake, startArcFake, startCloudShellFake, startImdsFake } from './managed-identity-fakes.js';
import { decodeJwt, getJson, postForm } from './test-tools.js';

const ARM = 'https://management.azure.com/';

describe('managed-identity fakes', () => {
  test('IMDS: Metadata header, strings for numbers, user-assigned selection', async () => {
    const imds = await startImdsFake();
    try {
      assert.deepEqual(imds.env, { AZURE_POD_IDENTITY_AUTHORITY_HOST: imds.url, IMDS_ENDPOINT: imds.url });
      const url = (q: Record<string, string>) => `${imds.url}/metadata/identity/oauth2/token?${new URLSearchParams({ 'api-version': '2018-02-01', resource: ARM, ...q })}`;
      const missing = await getJson(url({}));
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error, 'bad_request_102');

      const system = await getJson(url({}), { Metadata: 'true' });
      assert.equal(system.status, 200);
      for (const key of ['expires_in', 'expires_on', 'not_before', 'ext_expires_in']) assert.match(system.json[key], /^\d+$/);
      assert.equal(system.json.resource, ARM);
      assert.equal(system.json.token_type, 'Bearer');
      const claims = decodeJwt(system.json.access_token);
      assert.equal(claims.aud, ARM, 'trailing slash kept');
      assert.equal(claims.oid, TEST_SYSTEM_IDENTITY.objectId);
      assert.equal(Number(system.json.expires_on), claims.exp);
      assert.ok(imds.issued.has(system.json.access_token));

      const selectors: Array<Record<string, string>> = [{ client_id: TEST_USER_ASSIGNED_IDENTITY.clientId },
        { object_id: TEST_USER_ASSIGNED_IDENTITY.objectId }, { msi_res_id: TEST_USER_ASSIGNED_IDENTITY.resourceId! }];
      for (const q of selectors) {
        const user = await getJson(url(q), { Metadata: 'true' });
        assert.equal(decodeJwt(user.json.access_token).oid, TEST_USER_ASSIGNED_IDENTITY.objectId, JSON.stringify(q));
      }
      const unknown = await getJson(url({ client_id: '00000000-0000-4000-8000-000000000000' }), { Metadata: 'true' });
      assert.deepEqual([unknown.status, unknown.json.error_description], [400, 'Identity not found']);
      const badResource = await getJson(url({ resource: 'https://nope.example.com' }), { Metadata: 'true' });
      assert.equal(badResource.json.error, 'invalid_resource');
      assert.equal(imds.requests.count({ endpoint: 'token', resource: ARM }), 6);
    } finally {
      await imds.close();
    }
  });

  test('App Service 2019-08-01 and legacy 2017-09-01', async () => {
    const app = await startAppServiceFake();
    try {
      const { IDENTITY_ENDPOINT, IDENTITY_HEADER } = app.env;
      const url = `${IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=${encodeURIComponent('https://vault.azure.net')}`;
      const wrong = await getJson(url, { 'X-IDENTITY-HEADER': 'wrong' });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.statusCode, 401);
      assert.equal(wrong.json.error, undefined, 'not OAuth-shaped');
      const ok = await getJson(url, { 'X-IDENTITY-HEADER': IDENTITY_HEADER! });
      assert.equal(ok.status, 200);
      assert.match(ok.json.expires_on, /^\d+$/);
      assert.equal(ok.json.expires_in, undefined);
      assert.equal(decodeJwt(ok.json.access_token).aud, 'https://vault.azure.net');
      const byPrincipal = await getJson(`${url}&principal_id=${TEST_USER_ASSIGNED_IDENTITY.objectId}`, { 'X-IDENTITY-HEADER': IDENTITY_HEADER! });
      assert.equal(byPrincipal.json.client_id, TEST_USER_ASSIGNED_IDENTITY.clientId);
      const unknown = await getJson(`${url}&client_id=nope`, { 'X-IDENTITY-HEADER': IDENTITY_HEADER! });
      assert.equal(unknown.status, 400);

      const { MSI_ENDPOINT, MSI_SECRET } = app.legacyEnv;
      const legacy = await getJson(`${MSI_ENDPOINT}?api-version=2017-09-01&resource=${encodeURIComponent(ARM)}`, { secret: MSI_SECRET! });
      assert.equal(legacy.status, 200);
      assert.match(legacy.json.expires_on, /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d \+00:00$/);
      assert.equal(Date.parse(legacy.json.expires_on) / 1000, decodeJwt(legacy.json.access_token).exp);
      assert.ok(app.issued.has(IDENTITY_HEADER!) && app.issued.has(MSI_SECRET!));
    } finally {
      await app.close();
    }
  });

  test('Cloud Shell: POST with Metadata and a form body, a delegated token', async () => {
    const shell = await startCloudShellFake();
    try {
      assert.equal(shell.env.MSI_ENDPOINT, `${shell.url}/oauth2/token`);
      assert.equal(shell.env.MSI_SECRET, undefined);
      const noHeader = await postForm(shell.env.MSI_ENDPOINT!, { resource: ARM });
      assert.equal(noHeader.status, 400);
      assert.equal(typeof noHeader.json.error.code, 'string');
      const ok = await postForm(shell.env.MSI_ENDPOINT!, { resource: ARM }, { Metadata: 'true' });
      assert.equal(ok.status, 200);
      assert.match(ok.json.expires_in, /^\d+$/);
      const claims = decodeJwt(ok.json.access_token);
      assert.deepEqual([claims.aud, claims.upn], [ARM, TEST_USERS[0]!.username]);
    } finally {
      await shell.close();
    }
  });

  test('Arc: 401 challenge with the key file path, then a token for the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'azsess-arc-'));
    const keyFile = join(dir, 'tokens', 'challenge.key');
    const arc = await startArcFake({ keyFile });
    try {
      assert.deepEqual(arc.env, { IDENTITY_ENDPOINT: `${arc.url}/metadata/identity/oauth2/token`, IMDS_ENDPOINT: arc.url });
      const url = `${arc.env.IDENTITY_ENDPOINT}?api-version=2020-06-01&resource=${encodeURIComponent(ARM)}`;
      const challenge = await fetch(url, { headers: { Metadata: 'true' } });
      assert.equal(challenge.status, 401);
      assert.equal(challenge.headers.get('www-authenticate'), `Basic realm=${keyFile}`);
      const key = await readFile(keyFile, 'utf8');
      assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
      const wrong = await getJson(url, { Metadata: 'true', Authorization: 'Basic nope' });
      assert.equal(wrong.status, 401);
      const ok = await getJson(url, { Metadata: 'true', Authorization: `Basic ${key}` });
      assert.equal(ok.status, 200);
      assert.equal(decodeJwt(ok.json.access_token).aud, ARM);
      assert.equal(arc.requests.count({ endpoint: 'challenge' }), 1);
      assert.equal(arc.requests.count({ endpoint: 'token' }), 2);
      assert.ok(arc.issued.has(key));
    } finally {
      await arc.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
