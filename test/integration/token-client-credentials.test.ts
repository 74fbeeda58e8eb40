import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJwt } from '../idp/index.js';
import { expireStoredTokens, readStoredSessions } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';

const fx = useIdpAndHome();

const run = (args: string[], env: Record<string, string> = fx.appEnv()) =>
  runCli(['token', '--protocol', 'client-credentials', ...args], { userHome: fx.tmp.userHome, env });

describe('client credentials', () => {
  test('a token for the default resource, cached with an empty client_secret, then a cache hit', async () => {
    const first = await run(['--verbose']);
    assert.equal(first.code, 0, first.stderr);
    const claims = decodeJwt(first.stdout.trim());
    assert.equal(claims.aud, 'https://management.azure.com/');
    assert.equal(claims.tid, fx.idp.tenantId);
    const request = fx.idp.requests.last({ endpoint: 'token' })!;
    assert.equal(request.grantType, 'client_credentials');
    assert.equal(request.form!.scope, 'https://management.azure.com//.default');
    assert.match(String(request.headers['user-agent']), /^azsess\/\d+\.\d+\.\d+$/);
    assert.match(String(request.headers['client-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(request.headers['x-ms-lib-capability'], 'retry-after, h429');

    const raw = JSON.parse(readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8')) as { sessions: string[] };
    const entry = JSON.parse(raw.sessions[0]!) as Record<string, unknown>;
    assert.equal(entry.protocol, 'AzClientCredentials');
    assert.equal(entry.client_secret, '', 'the secret lives in one place only');
    assert.equal(entry.resource, 'https://management.azure.com/');

    fx.idp.requests.reset();
    const second = await run([]);
    assert.equal(second.stdout, first.stdout);
    assert.equal(fx.idp.requests.count(), 0);
    assert.deepEqual(fx.idp.issued.findIn(first.stderr + second.stderr), []);
  });

  test('--resource and a /.default scope choose the resource; an expired token is fetched again once', async () => {
    const vault = await run(['--resource', 'https://vault.azure.net']);
    assert.equal(decodeJwt(vault.stdout.trim()).aud, 'https://vault.azure.net');
    const storage = await run(['--scope', 'https://storage.azure.com/.default']);
    assert.equal(decodeJwt(storage.stdout.trim()).aud, 'https://storage.azure.com');
    assert.equal(readStoredSessions(fx.tmp.home).length, 2);
    expireStoredTokens(fx.tmp.home);
    fx.idp.requests.reset();
    assert.equal((await run(['--resource', 'https://vault.azure.net'])).code, 0);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 1);
  });

  test('the secret from the manifest works too', async () => {
    const env = fx.appEnv();
    delete (env as Record<string, string | undefined>).AZURE_CLIENT_SECRET;
    const write = await runCli(['write-manifest', '--client-secret-stdin'], { userHome: fx.tmp.userHome, input: `${fx.idp.clientSecret}\n` });
    assert.equal(write.code, 0, write.stderr);
    const r = await runCli(['token', '--protocol', 'client-credentials'], { userHome: fx.tmp.userHome, env: { ...env, AZURE_CLIENT_SECRET: '' } });
    assert.equal(r.code, 0, r.stderr);
  });

  test('a wrong secret is exit 4 quoting AADSTS7000215, without the secret', async () => {
    const r = await run(['--verbose'], fx.appEnv({ AZURE_CLIENT_SECRET: 'wrong-secret-value-123' }));
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /AADSTS7000215/);
    assert.match(r.stderr, /trace id [0-9a-f-]+, correlation id [0-9a-f-]+, client-request-id [0-9a-f-]+/);
    assert.doesNotMatch(r.stderr, /wrong-secret-value-123/);
    assert.equal(r.stdout, '');
  });

  test('configuration problems are exit 6 before any request', async () => {
    const noSecret = await run([], fx.appEnv({ AZURE_CLIENT_SECRET: '' }));
    assert.equal(noSecret.code, 6, noSecret.stderr);
    assert.match(noSecret.stderr, /client secret/);
    const metaTenant = await run(['--tenant', 'organizations']);
    assert.equal(metaTenant.code, 6, metaTenant.stderr);
    const env = fx.appEnv();
    delete (env as Record<string, string | undefined>).AZURE_CLIENT_ID;
    const noClient = await run([], env);
    assert.equal(noClient.code, 6, noClient.stderr);
    assert.match(noClient.stderr, /client id/);
    assert.equal(fx.idp.requests.count(), 0);
  });

  test('a scope that is not <resource>/.default, or --scope with --resource, is exit 2', async () => {
    assert.equal((await run(['--scope', 'https://storage.azure.com/user_impersonation'])).code, 2);
    assert.equal((await run(['--scope', 'https://storage.azure.com/.default', '--resource', 'https://x.net'])).code, 2);
  });

  test('login fetches and caches a token, checking the setup', async () => {
    const r = await runCli(['login', '--protocol', 'client-credentials'], { userHome: fx.tmp.userHome, env: fx.appEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Signed in as app 7e57c0de-0000-4000-8000-00000000c0c1 in tenant .* for https:\/\/management\.azure\.com\//);
    assert.equal(readStoredSessions(fx.tmp.home).length, 1);
  });
});

describe('output formats', () => {
  test('json is what az account get-access-token prints', async () => {
    const r = await run(['--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['accessToken', 'expiresOn', 'expires_on', 'tenant', 'tokenType']);
    assert.equal(out.tokenType, 'Bearer');
    assert.equal(out.tenant, fx.idp.tenantId);
    assert.equal(typeof out.expires_on, 'number');
    assert.match(String(out.expiresOn), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.ok(Math.abs(Number(out.expires_on) - Number(decodeJwt(String(out.accessToken)).exp)) <= 5);
  });

  test('exec-credential follows KUBERNETES_EXEC_INFO, v1beta1 when unset', async () => {
    const beta = await run(['--output', 'exec-credential', '--resource', 'https://management.azure.com/']);
    const cred = JSON.parse(beta.stdout) as { kind: string; apiVersion: string; status: { token: string; expirationTimestamp: string } };
    assert.equal(cred.kind, 'ExecCredential');
    assert.equal(cred.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.match(cred.status.expirationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const v1 = await run(['--output', 'exec-credential', '--resource', 'https://management.azure.com/'], fx.appEnv({
      KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false } }),
    }));
    const credV1 = JSON.parse(v1.stdout) as { apiVersion: string; status: { token: string } };
    assert.equal(credV1.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(credV1.status.token, cred.status.token);
  });
});
