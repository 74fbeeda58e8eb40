import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJwt, TEST_USERS } from '../idp/index.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { expireStoredTokens, idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { needPythonAzure } from '../support/python-azure.js';
import { runCli } from '../support/run-cli.js';
import { jsGetToken, pythonGetToken, startServe, type ServeProcess } from '../support/serve-process.js';

/**
 * `azsess serve` through the real SDKs, as their users run them: a program with nothing but
 * IDENTITY_ENDPOINT and IDENTITY_HEADER set gets the signed-in person's tokens, from the same
 * cache and engine as `azsess token`.
 */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const alice = TEST_USERS[0]!;
const storage = 'https://storage.azure.com/.default';
const management = 'https://management.azure.com/.default';

/** The SDK program's own home (not azsess's): empty, so no other credential finds anything. */
function sdkHome(): string {
  const home = join(fx.tmp.userHome, 'sdk-user');
  mkdirSync(home, { recursive: true });
  return home;
}

async function login(): Promise<void> {
  const r = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
  assert.equal(r.code, 0, r.stderr);
}

/** Runs `fn` with a server of the signed-in person's device code sessions, and stops it cleanly after. */
async function withServe(args: string[], fn: (s: ServeProcess) => Promise<void>, env: Record<string, string> = idpEnv(fx.idp)): Promise<string> {
  const s = await startServe(['--protocol', 'device-code', ...args], { userHome: fx.tmp.userHome, env });
  try {
    await fn(s);
  } finally {
    const end = await s.stop();
    assert.equal(end.code, 0, end.stderr);
  }
  return s.stderr();
}

const refreshes = () => fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' });

function assertAlicesToken(token: string | undefined, audience: string): void {
  assert.ok(token, 'a token');
  const claims = decodeJwt(token);
  assert.equal(claims.aud, audience);
  assert.equal(claims.upn, alice.username);
  assert.equal(claims.oid, alice.oid);
}

describe('azsess serve through the Azure SDKs', () => {
  test('JavaScript ManagedIdentityCredential gets the signed-in person\'s token for the resource, from the cache azsess token uses', async () => {
    await login();
    await withServe([], async (s) => {
      fx.idp.requests.reset();
      const first = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(first.errors, []);
      assertAlicesToken(first.tokens[0], 'https://storage.azure.com');
      assert.equal(refreshes(), 1, 'a new audience: one refresh, no sign-in');
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 200 from refreshed \d+ ms$/);

      fx.idp.requests.reset();
      const again = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(again.tokens, first.tokens);
      const cli = await runCli(['token', '--resource', 'https://storage.azure.com'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
      assert.equal(cli.stdout.trim(), first.tokens[0], 'azsess token answers from the same session');
      assert.equal(fx.idp.requests.count(), 0, 'cache hits make no request to the identity provider');
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 200 from cache \d+ ms$/);
    });
  });

  test('Python (Debian python3-azure) ManagedIdentityCredential gets the token; a cache hit makes no request', async (t) => {
    if (!needPythonAzure(t)) return;
    await login();
    await withServe([], async (s) => {
      fx.idp.requests.reset();
      const first = await pythonGetToken(s, { scope: management, home: sdkHome() });
      assert.deepEqual(first.errors, []);
      assertAlicesToken(first.tokens[0], 'https://management.azure.com');
      assert.equal(refreshes(), 1, 'the sign-in consented to it: one refresh');
      const stored = readStoredSessions(fx.tmp.home).find((x) => x.scope.includes(management));
      assert.equal(first.tokens[0], stored?.token, 'the token is the stored session\'s');
      fx.idp.requests.reset();
      const again = await pythonGetToken(s, { scope: management, home: sdkHome() });
      assert.deepEqual(again.tokens, first.tokens);
      assert.equal(fx.idp.requests.count(), 0, 'a cache hit makes no request to the identity provider');
    });
  });

  test('JavaScript DefaultAzureCredential picks the served identity when only the two variables are set', async () => {
    await login();
    await withServe([], async (s) => {
      const r = await jsGetToken(s, 'default', { scope: management, home: sdkHome() });
      assert.deepEqual(r.errors, []);
      assertAlicesToken(r.tokens[0], 'https://management.azure.com');
    });
  });

  test('100 concurrent getToken calls for an expired session make one refresh', async () => {
    await login();
    expireStoredTokens(fx.tmp.home);
    await withServe([], async (s) => {
      fx.idp.requests.reset();
      const r = await jsGetToken(s, 'managed-identity', { scope: management, count: 100, home: sdkHome() });
      assert.deepEqual(r.errors, []);
      assert.equal(r.tokens.length, 100);
      assert.equal(new Set(r.tokens).size, 1, 'every call got the one fresh token');
      assertAlicesToken(r.tokens[0], 'https://management.azure.com');
      assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 1, 'one refresh for all of them');
      const served = s.stderr().split('\n').filter((l) => / https:\/\/management\.azure\.com 200 /.test(l));
      assert.ok(served.length > 1, `the SDK calls reached the server at once (${served.length} requests)`);
      assert.equal(served.filter((l) => / 200 from refreshed /.test(l)).length, 1, 'one engine call: the others shared it or found its token');
    });
  });

  test('a wrong header and a resource outside --allow-resource get no token and cause no request', async () => {
    await login();
    await withServe(['--allow-resource', 'https://management.azure.com'], async (s) => {
      fx.idp.requests.reset();
      const wrong = await jsGetToken(s, 'managed-identity', { scope: management, home: sdkHome(), env: { IDENTITY_HEADER: 'not-the-secret' } });
      assert.deepEqual(wrong.tokens, []);
      assert.match(wrong.errors[0] ?? '', /X-IDENTITY-HEADER header is missing or wrong/);
      const forbidden = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(forbidden.tokens, []);
      assert.match(forbidden.errors[0] ?? '', /--allow-resource https:\/\/storage\.azure\.com/);
      assert.equal(fx.idp.requests.count(), 0);
      await s.waitForStderr(/ - 401 wrong or missing X-IDENTITY-HEADER \d+ ms$/);
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 403 resource not allowed \d+ ms$/);
      assert.ok(!s.stderr().includes(s.header), 'the secret is never logged');
    });
  });

  test('a request that needs a person to sign in gets 401 naming the exact azsess login command, and no sign-in starts', async () => {
    await withServe([], async (s) => {
      const r = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
      assert.deepEqual(r.tokens, []);
      const command = `azsess login --protocol device-code --authority-host ${fx.idp.url} --tenant ${fx.idp.tenantId} --client-id ${fx.idp.publicClientId} --scope ${storage}`;
      assert.ok(r.errors[0]?.includes(command), r.errors[0]);
      assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0);
      await s.waitForStderr(/ https:\/\/storage\.azure\.com 401 sign-in needed \d+ ms$/);
    });
  });

  test('a refused refresh reaches the SDK user as the identity provider\'s error and description', async () => {
    const env = fx.appEnv({ AZURE_CLIENT_SECRET: 'not-the-secret' });
    const stderr = await withServe(
      ['--protocol', 'client-credentials'],
      async (s) => {
        const r = await jsGetToken(s, 'managed-identity', { scope: storage, home: sdkHome() });
        assert.deepEqual(r.tokens, []);
        assert.match(r.errors[0] ?? '', /invalid_client.*AADSTS7000215/s);
        const raw = await fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://storage.azure.com`, { headers: { 'X-IDENTITY-HEADER': s.header } });
        assert.equal(raw.status, 400);
        const body = (await raw.json()) as Record<string, string>;
        assert.equal(body.error, 'invalid_client');
        assert.match(body.error_description!, /AADSTS7000215/);
      },
      env,
    );
    assert.match(stderr, / https:\/\/storage\.azure\.com 400 refused \(invalid_client\) \d+ ms/);
  });

  test('client_id and object_id are accepted when they name the served identity, refused otherwise', async () => {
    await login();
    await withServe([], async (s) => {
      const named = await jsGetToken(s, 'managed-identity', { scope: management, home: sdkHome(), clientId: fx.idp.publicClientId });
      assertAlicesToken(named.tokens[0], 'https://management.azure.com');
      const other = await jsGetToken(s, 'managed-identity', { scope: management, home: sdkHome(), clientId: fx.idp.confidentialClientId });
      assert.deepEqual(other.tokens, []);
      assert.match(other.errors[0] ?? '', /does not hand out tokens of client_id/);
      const get = (query: string, headers: Record<string, string> = {}) =>
        fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://management.azure.com&${query}`, { headers: { 'X-IDENTITY-HEADER': s.header, ...headers } });
      assert.equal((await get(`object_id=${alice.oid}`, { Metadata: 'true' })).status, 200);
      assert.equal((await get(`principal_id=${TEST_USERS[1]!.oid}`)).status, 400);
    });
  });
});

describe('azsess serve, the server', () => {
  test('stdout is exactly the two lines, --write-env writes them owner-only, and the 200 answer is App Service\'s', async () => {
    await login();
    const file = join(fx.tmp.userHome, 'identity.env');
    await withServe(['--write-env', file], async (s) => {
      assert.match(s.stdout, /^IDENTITY_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/msi\/token\nIDENTITY_HEADER=[A-Za-z0-9_-]{43}\n$/);
      assert.equal(readFileSync(file, 'utf8'), s.stdout);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const res = await fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://management.azure.com`, { headers: { 'X-IDENTITY-HEADER': s.header } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['access_token', 'client_id', 'expires_in', 'expires_on', 'resource', 'token_type']);
      assert.match(body.expires_on as string, /^\d+$/);
      assert.ok((body.expires_in as number) >= 300, 'valid for at least 5 minutes');
      assert.equal(body.resource, 'https://management.azure.com');
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.client_id, fx.idp.publicClientId);
      const base = new URL(s.endpoint);
      assert.equal((await fetch(new URL('/other', base))).status, 404);
      assert.equal((await fetch(s.endpoint, { method: 'POST', headers: { 'X-IDENTITY-HEADER': s.header } })).status, 405);
      const noHeader = await fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://management.azure.com`);
      assert.equal(noHeader.status, 401);
      assert.ok(!('access_token' in ((await noHeader.json()) as object)));
    });
  });

  test('SIGINT and SIGTERM close the listener and exit 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const s = await startServe([], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
      const port = Number(new URL(s.endpoint).port);
      const end = await s.stop(signal);
      assert.equal(end.code, 0, end.stderr);
      assert.match(end.stderr, new RegExp(`Stopped on ${signal}; the listener is closed\\.`));
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('connect', () => (socket.destroy(), resolve(false)));
        socket.on('error', () => resolve(true));
      });
      assert.ok(refused, 'nothing listens after the stop');
    }
  });

  test('an identity provider that cannot be reached: 502, and the next request tries again', async () => {
    await login();
    expireStoredTokens(fx.tmp.home);
    await withServe(['--timeout', '1'], async (s) => {
      fx.idp.faults.add('token', { drop: true });
      const url = `${s.endpoint}?api-version=2019-08-01&resource=https://management.azure.com`;
      const failed = await fetch(url, { headers: { 'X-IDENTITY-HEADER': s.header } });
      assert.equal(failed.status, 502);
      assert.equal(((await failed.json()) as Record<string, string>).error, 'temporarily_unavailable');
      fx.idp.faults.clear();
      const recovered = await fetch(url, { headers: { 'X-IDENTITY-HEADER': s.header } });
      assert.equal(recovered.status, 200, 'a failure is not kept');
    });
  });

  test('SIGTERM during a refresh answers the waiting request 503 and exits 0', async () => {
    await login();
    expireStoredTokens(fx.tmp.home);
    fx.idp.faults.add('token', { hang: true });
    const s = await startServe(['--protocol', 'device-code', '--verbose'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    const pending = fetch(`${s.endpoint}?api-version=2019-08-01&resource=https://management.azure.com`, { headers: { 'X-IDENTITY-HEADER': s.header } });
    await s.waitForStderr(/Refreshing with/);
    const end = await s.stop('SIGTERM');
    assert.equal(end.code, 0, end.stderr);
    assert.equal((await pending).status, 503);
    assert.match(end.stderr, / https:\/\/management\.azure\.com 503 stopping \d+ ms/);
  });

  test('--bind beyond loopback is taken only when given, and says on stderr who can reach it', async () => {
    const s = await startServe(['--bind', '0.0.0.0'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    const end = await s.stop();
    assert.match(s.stdout, /^IDENTITY_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/msi\/token$/m);
    assert.match(end.stderr, /warning: Listening on every address of this machine, port \d+, not only loopback: any machine or container that can reach it and knows IDENTITY_HEADER/);
  });

  test('flags a server cannot honour, a bad --bind and a busy --port are refused with their exit codes', async () => {
    const run = (args: string[]) => runCli(['serve', ...args], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    const scope = await run(['--scope', storage]);
    assert.equal(scope.code, 2);
    assert.match(scope.stderr, /--scope does not apply to azsess serve/);
    const bind = await run(['--bind', 'example.com']);
    assert.equal(bind.code, 2);
    assert.match(bind.stderr, /--bind 'example\.com' is not an IP address/);
    const s = await startServe([], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    try {
      const busy = await run(['--port', new URL(s.endpoint).port]);
      assert.equal(busy.code, 6, busy.stderr);
      assert.match(busy.stderr, /Port \d+ is in use on 127\.0\.0\.1/);
    } finally {
      await s.stop();
    }
  });
});
