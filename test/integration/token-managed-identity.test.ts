import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  decodeJwt,
  startAppServiceFake,
  startArcFake,
  startCloudShellFake,
  startImdsFake,
  startServiceFabricFake,
  SERVICE_FABRIC_CERTIFICATE_PATH,
  TEST_CLIENT_CERTIFICATE_PATH,
  TEST_SYSTEM_IDENTITY,
  TEST_USER_ASSIGNED_IDENTITY,
  type ManagedIdentityFake,
} from '../idp/index.js';
import { expireStoredTokens, readStoredSessions } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

let tmp: TmpHome;
beforeEach(() => {
  tmp = makeTmpHome();
});
afterEach(() => tmp.cleanup());

async function token(fake: { env: Record<string, string> }, args: string[] = [], extraEnv: Record<string, string> = {}) {
  const r = await runCli(['token', '--protocol', 'vm', '--verbose', ...args], { userHome: tmp.userHome, env: { ...fake.env, ...extraEnv } });
  return r;
}

async function withFake<T extends ManagedIdentityFake>(start: () => Promise<T>, fn: (fake: T) => Promise<void>) {
  const fake = await start();
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

describe('managed identity', () => {
  test('IMDS: system-assigned, cached as an AzSessions VM session, Metadata header, no proxy', () =>
    withFake(startImdsFake, async (imds) => {
      const r = await token(imds, [], { HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(decodeJwt(r.stdout.trim()).oid, TEST_SYSTEM_IDENTITY.objectId);
      assert.equal(decodeJwt(r.stdout.trim()).aud, 'https://management.azure.com/');
      const request = imds.requests.last({ endpoint: 'token' })!;
      assert.equal(request.headers.metadata, 'true');
      assert.equal(request.query['api-version'], '2018-02-01');
      const [session] = readStoredSessions(tmp.home);
      assert.equal(session!.protocol, 'AzVMCredentials');
      assert.equal(session!.resource, 'https://management.azure.com/');
      imds.requests.reset();
      assert.equal((await token(imds)).stdout, r.stdout);
      assert.equal(imds.requests.count(), 0, 'cache hit');
      assert.deepEqual(imds.issued.findIn(r.stderr), []);
    }));

  test('IMDS: a user-assigned identity by client id, object id or resource id, each its own session', () =>
    withFake(startImdsFake, async (imds) => {
      const ids = TEST_USER_ASSIGNED_IDENTITY;
      for (const [flag, value, param] of [
        ['--client-id', ids.clientId, 'client_id'],
        ['--object-id', ids.objectId, 'object_id'],
        ['--msi-res-id', ids.resourceId!, 'msi_res_id'],
      ] as const) {
        const r = await token(imds, [flag, value, '--resource', 'https://vault.azure.net']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(decodeJwt(r.stdout.trim()).oid, ids.objectId);
        assert.equal(imds.requests.last({ endpoint: 'token' })!.query[param], value);
      }
      assert.equal(readStoredSessions(tmp.home).length, 3);
      const system = await token(imds, ['--resource', 'https://vault.azure.net']);
      assert.equal(decodeJwt(system.stdout.trim()).oid, TEST_SYSTEM_IDENTITY.objectId, 'system-assigned is not confused with them');
      assert.equal((await token(imds, ['--client-id', 'a', '--object-id', 'b'])).code, 2);
    }));

  test('IMDS: 404 and 410 while the identity is being set up are retried; an unknown identity is exit 4', () =>
    withFake(startImdsFake, async (imds) => {
      imds.faults.add('token', { status: 404 }, { times: 1 });
      imds.faults.add('token', { status: 410 }, { times: 1 });
      const r = await token(imds);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(imds.requests.count({ endpoint: 'token' }), 3);
      // Not about the deadline (a 400 is final at once): room for a slow start on a loaded machine.
      const unknown = await token(imds, ['--client-id', '7e57dead-0000-4000-8000-000000000000', '--timeout', '15']);
      assert.equal(unknown.code, 4, unknown.stderr);
      assert.match(unknown.stderr, /managed identity/);
    }));

  test('IMDS: an expired token is fetched again, once', () =>
    withFake(startImdsFake, async (imds) => {
      assert.equal((await token(imds)).code, 0);
      expireStoredTokens(tmp.home);
      imds.requests.reset();
      assert.equal((await token(imds)).code, 0);
      assert.equal(imds.requests.count({ endpoint: 'token' }), 1);
    }));

  test('App Service (2019-08-01): X-IDENTITY-HEADER, expires_on only; the header never printed', () =>
    withFake(startAppServiceFake, async (app) => {
      const r = await token(app, ['--scope', 'https://storage.azure.com/.default']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(decodeJwt(r.stdout.trim()).aud, 'https://storage.azure.com');
      const request = app.requests.last({ endpoint: 'token' })!;
      assert.equal(request.query['api-version'], '2019-08-01');
      assert.equal(request.headers['x-identity-header'], app.env.IDENTITY_HEADER);
      const session = readStoredSessions(tmp.home)[0]!;
      assert.ok(Math.abs(session.expiry.getTime() / 1000 - Number(decodeJwt(r.stdout.trim()).exp)) < 5);
      assert.deepEqual(app.issued.findIn(r.stderr), []);
      assert.ok(!JSON.stringify(session).includes(app.env.IDENTITY_HEADER!), 'the rotating header is not stored');
    }));

  test('App Service: a header or secret echoed in the endpoint\'s error is not printed', () =>
    withFake(startAppServiceFake, async (app) => {
      for (const [env, secret] of [[app.env, app.env.IDENTITY_HEADER!], [app.legacyEnv, app.legacyEnv.MSI_SECRET!]] as const) {
        app.faults.add('token', { status: 400, body: { error: 'invalid_request', error_description: `The header '${secret}' is not valid here.` } }, { times: 1 });
        const r = await token({ env });
        assert.notEqual(r.code, 0, r.stderr);
        assert.match(r.stderr, /is not valid here/);
        assert.ok(!r.stderr.includes(secret), r.stderr);
      }
    }));

  test('App Service (2017-09-01): MSI_ENDPOINT + MSI_SECRET, expires_on as a date string', () =>
    withFake(startAppServiceFake, async (app) => {
      const r = await token({ env: app.legacyEnv });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(app.requests.last({ endpoint: 'token' })!.query['api-version'], '2017-09-01');
      const session = readStoredSessions(tmp.home)[0]!;
      assert.ok(session.expiry.getTime() > Date.now() + 3600_000, 'the date string was understood');
    }));

  test('Cloud Shell: MSI_ENDPOINT alone, a POST with the resource in the body', () =>
    withFake(startCloudShellFake, async (shell) => {
      const r = await token(shell);
      assert.equal(r.code, 0, r.stderr);
      const request = shell.requests.last({ endpoint: 'token' })!;
      assert.equal(request.method, 'POST');
      assert.equal(request.form!.resource, 'https://management.azure.com/');
      assert.equal((await token(shell, ['--client-id', TEST_USER_ASSIGNED_IDENTITY.clientId, '--resource', 'https://vault.azure.net'])).code, 6);
    }));

  /** The agent's key directory, moved into the test's home by azsess's test seam (docs/cli.md). */
  const arcEnv = () => ({ AZSESS_ARC_KEY_DIRECTORY: join(tmp.userHome, 'azcmagent', 'tokens') });

  test('Azure Arc: the 401 challenge, the key file checked then read, the second request authorised', () =>
    withFake(() => startArcFake({ keyFile: join(arcEnv().AZSESS_ARC_KEY_DIRECTORY, `azsess-test-${randomBytes(4).toString('hex')}.key`) }), async (arc) => {
      const r = await token(arc, [], arcEnv());
      assert.equal(r.code, 0, r.stderr);
      assert.equal(arc.requests.count({ endpoint: 'challenge' }), 1);
      assert.equal(arc.requests.count({ endpoint: 'token' }), 1);
      assert.deepEqual(arc.issued.findIn(r.stderr), []);
    }));

  test('Azure Arc: a key file in a subdirectory of the agent directory, or not named .key, is refused, unread', async () => {
    for (const name of [join('sub', 'x.key'), 'x.txt']) {
      await withFake(() => startArcFake({ keyFile: join(arcEnv().AZSESS_ARC_KEY_DIRECTORY, name) }), async (arc) => {
        const r = await token(arc, [], arcEnv());
        assert.equal(r.code, 4, r.stderr);
        assert.match(r.stderr, /refusing to read it/);
        assert.equal(arc.requests.count({ endpoint: 'token' }), 0);
      });
    }
  });

  test('Azure Arc: a challenge naming a file outside the agent directory is refused, unread', () =>
    withFake(() => startArcFake({ keyFile: `${tmp.userHome}/stolen.key` }), async (arc) => {
      const r = await token(arc, [], arcEnv());
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /refusing to read it/);
      assert.equal(arc.requests.count({ endpoint: 'token' }), 0);
    }));

  test('Azure ML: MSI_ENDPOINT and MSI_SECRET take the 2017 protocol, a user-assigned identity by clientid, expires_on in epoch seconds', () =>
    withFake(() => startAppServiceFake({ azureMl: true }), async (ml) => {
      const ids = TEST_USER_ASSIGNED_IDENTITY;
      const r = await token({ env: ml.legacyEnv }, ['--client-id', ids.clientId, '--resource', 'https://vault.azure.net']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Managed identity source: App Service \(2017\)\./);
      const claims = decodeJwt(r.stdout.trim());
      assert.equal(claims.oid, ids.objectId);
      assert.equal(claims.aud, 'https://vault.azure.net');
      const request = ml.requests.last({ endpoint: 'token' })!;
      assert.equal(request.query['api-version'], '2017-09-01');
      assert.equal(request.query.clientid, ids.clientId);
      assert.equal(request.query.client_id, undefined);
      assert.equal(request.headers.secret, ml.legacyEnv.MSI_SECRET);
      assert.ok(Math.abs(readStoredSessions(tmp.home)[0]!.expiry.getTime() / 1000 - Number(claims.exp)) < 5, 'the epoch string was understood');
      assert.deepEqual(ml.issued.findIn(r.stderr), []);
    }));
});

/** SHA-1 thumbprint of a PEM's first certificate, as Service Fabric writes it (40 upper-case hex digits). */
function thumbprintOf(path: string): string {
  return new X509Certificate(readFileSync(path)).fingerprint.replace(/:/g, '');
}

describe('managed identity: Service Fabric', () => {
  test('the secret header over https to the pinned self-signed certificate, no proxy; the token for the resource asked', () =>
    withFake(startServiceFabricFake, async (sf) => {
      const r = await token(sf, ['--resource', 'https://vault.azure.net'], { HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Managed identity source: Service Fabric\./);
      const claims = decodeJwt(r.stdout.trim());
      assert.equal(claims.aud, 'https://vault.azure.net');
      assert.equal(claims.oid, TEST_SYSTEM_IDENTITY.objectId);
      const request = sf.requests.last({ endpoint: 'token' })!;
      assert.equal(request.query['api-version'], '2019-07-01-preview');
      assert.equal(request.query.resource, 'https://vault.azure.net');
      assert.equal(request.headers.secret, sf.env.IDENTITY_HEADER);
      assert.equal(request.headers['x-identity-header'], undefined, 'not the App Service protocol');
      const [session] = readStoredSessions(tmp.home);
      assert.equal(session!.protocol, 'AzVMCredentials');
      assert.equal(session!.resource, 'https://vault.azure.net');
      assert.ok(Math.abs(session!.expiry.getTime() / 1000 - Number(claims.exp)) < 5);
      assert.ok(!JSON.stringify(session).includes(sf.env.IDENTITY_HEADER!), 'the header is not stored');
      assert.deepEqual(sf.issued.findIn(r.stderr), []);
    }));

  test('the thumbprint in lower case is the same one; with colons, which the SDKs do not take, it is refused unsent (exit 6)', () =>
    withFake(startServiceFabricFake, async (sf) => {
      const lower = await token(sf, [], { IDENTITY_SERVER_THUMBPRINT: sf.thumbprint.toLowerCase() });
      assert.equal(lower.code, 0, lower.stderr);
      sf.requests.reset();
      // Another resource, so that the token just cached does not answer.
      const colons = await token(sf, ['--resource', 'https://vault.azure.net'], { IDENTITY_SERVER_THUMBPRINT: sf.thumbprint.replace(/(..)(?!$)/g, '$1:') });
      assert.equal(colons.code, 6, colons.stderr);
      assert.match(colons.stderr, /^azsess: error: IDENTITY_SERVER_THUMBPRINT is not a SHA-1 thumbprint \(40 hex digits without separators\); fix or unset it\.$/m);
      assert.equal(sf.requests.count(), 0);
    }));

  test('another certificate is refused in the TLS handshake, trusted by a CA or not: exit 5, both thumbprints named, the secret never sent', () =>
    withFake(startServiceFabricFake, async (sf) => {
      const other = thumbprintOf(TEST_CLIENT_CERTIFICATE_PATH);
      // Trusting the endpoint's certificate as a CA must not make a wrong pin acceptable.
      for (const extra of [{}, { NODE_EXTRA_CA_CERTS: SERVICE_FABRIC_CERTIFICATE_PATH }] as Array<Record<string, string>>) {
        const r = await token(sf, ['--timeout', '20'], { IDENTITY_SERVER_THUMBPRINT: other, ...extra });
        assert.equal(r.code, 5, r.stderr);
        assert.equal(r.stdout, '');
        const lines = r.stderr.split('\n').filter((l) => l.startsWith('azsess: error: '));
        assert.deepEqual(lines, [
          `azsess: error: The Service Fabric identity endpoint at ${new URL(sf.url).host} presented a certificate with thumbprint ` +
            `${sf.thumbprint.slice(0, 8)}…, not the ${other.slice(0, 8)}… that IDENTITY_SERVER_THUMBPRINT names, so nothing was sent to it; ` +
            'check that IDENTITY_SERVER_THUMBPRINT belongs to this endpoint.',
        ]);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.equal(sf.requests.count(), 0, 'no request reached the endpoint');
        assert.deepEqual(sf.issued.findIn(r.stderr), []);
        assert.ok(!existsSync(join(tmp.home, 'sessions.json')), 'nothing stored');
      }
    }));

  test('a user-assigned identity cannot be chosen there: exit 2, nothing sent', () =>
    withFake(startServiceFabricFake, async (sf) => {
      const ids = TEST_USER_ASSIGNED_IDENTITY;
      for (const args of [['--client-id', ids.clientId], ['--object-id', ids.objectId], ['--msi-res-id', ids.resourceId!]]) {
        const r = await token(sf, args);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /Service Fabric gives an application the identity its cluster assigned, which cannot be chosen here; drop --client-id/);
      }
      assert.equal(sf.requests.count(), 0);
    }));

  test('an IDENTITY_ENDPOINT that is not a URL is exit 6 and a sentence, for Service Fabric and App Service alike, and nothing is sent', async () => {
    const check = async (fake: { requests: { count(): number } } & Parameters<typeof token>[0]) => {
      const r = await token(fake, [], { IDENTITY_ENDPOINT: 'not a url' });
      assert.equal(r.code, 6, r.stderr);
      assert.match(r.stderr, /IDENTITY_ENDPOINT is not a URL; fix or unset it\./);
      assert.doesNotMatch(r.stderr, /unexpected/);
      assert.equal(fake.requests.count(), 0);
    };
    await withFake(startServiceFabricFake, check);
    await withFake(startAppServiceFake, check);
  });

  test('chosen before App Service: the App Service variables with a thumbprint are Service Fabric, which takes https only', () =>
    withFake(startAppServiceFake, async (app) => {
      const r = await token(app, [], { IDENTITY_SERVER_THUMBPRINT: thumbprintOf(SERVICE_FABRIC_CERTIFICATE_PATH) });
      assert.equal(r.code, 6, r.stderr);
      assert.match(r.stderr, /Managed identity source: Service Fabric\./);
      assert.match(r.stderr, /IDENTITY_ENDPOINT must be an https URL when IDENTITY_SERVER_THUMBPRINT is set \(Service Fabric\), not http:/);
      assert.equal(app.requests.count(), 0, 'the header was not sent over plain http');
    }));
});
