import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { expireStoredTokens, idpEnv } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useServeFixture } from '../support/serve-fixture.js';
import { listeningAddresses } from '../support/listening-sockets.js';
import { startServe } from '../support/serve-process.js';

const portOf = (stdout: string) => Number(/^IDENTITY_ENDPOINT=http:\/\/[^:]+:(\d+)\//m.exec(stdout)![1]);

/** `azsess serve` as a server: its two lines, the protocol's answers, stopping, failures, flags. */

const { fx, login, withServe } = useServeFixture();
const storage = 'https://storage.azure.com/.default';

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
    // Each request's budget: the recovering one refreshes within it, even on a loaded machine.
    await withServe(['--timeout', '5'], async (s) => {
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
    const plain = await startServe([], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    const plainSockets = listeningAddresses(portOf(plain.stdout));
    assert.ok(plainSockets.length > 0 && plainSockets.every((a) => a.loopback), JSON.stringify(plainSockets));
    assert.equal((await plain.stop()).code, 0);
    const s = await startServe(['--bind', '0.0.0.0'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    const sockets = listeningAddresses(portOf(s.stdout));
    assert.ok(sockets.some((a) => !a.loopback), JSON.stringify(sockets));
    const end = await s.stop();
    assert.equal(end.code, 0, end.stderr);
    assert.match(s.stdout, /^IDENTITY_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/msi\/token$/m);
    assert.match(end.stderr, /warning: Listening on every address of this machine, port \d+, not only loopback: any machine or container that can reach it and knows IDENTITY_HEADER/);
  });

  test('flags a server cannot honour, a bad --bind and a busy --port are refused with their exit codes', async () => {
    const run = (args: string[]) => runCli(['serve', ...args], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    const scope = await run(['--scope', storage]);
    assert.equal(scope.code, 2);
    assert.match(scope.stderr, /--scope does not apply to azsess serve/);
    // Sign-in flags: serve never signs in, so they are neither offered nor taken.
    for (const flag of [['--login-hint', 'bob@contoso.com'], ['--domain-hint', 'contoso.com'], ['--no-browser'], ['--prompt-format', 'json'], ['--clear-cache']]) {
      const r = await run(['--protocol', 'auth-code', ...flag]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${flag[0]} does not apply to azsess serve`));
    }
    const help = await run(['--help']);
    for (const flag of ['--scope', '--login-hint', '--domain-hint', '--no-browser', '--prompt-format', '--clear-cache', '--claims']) {
      assert.doesNotMatch(help.stdout, new RegExp(`^\\s+${flag}\\b`, 'm'), `serve --help offers ${flag}`);
    }
    assert.match(help.stdout, /--redirect-uri <uri>\s+auth-code: the redirect URI of the\s+session to serve/);
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

  test('a secret Entra echoes reaches neither the SDK nor stderr, and a password in a requested URL stays out of the log', async () => {
    const secret = 'serve-secret-K7p~echoed.by.entra';
    fx.idp.faults.add('token', {
      status: 401,
      body: { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided. The secret sent was '${secret}'.`, error_codes: [7000215] },
    });
    const s = await startServe(['--protocol', 'client-credentials', '--verbose'], { userHome: fx.tmp.userHome, env: fx.appEnv({ AZURE_CLIENT_SECRET: secret }) });
    try {
      const get = (resource: string) => fetch(`${s.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`, { headers: { 'X-IDENTITY-HEADER': s.header } });
      const refused = await get('https://storage.azure.com');
      assert.equal(refused.status, 400);
      const body = await refused.text();
      assert.match(body, /AADSTS7000215/);
      assert.ok(!body.includes(secret), body);
      await get('https://someone:hunter2-in-the-url@storage.azure.com');
      await s.waitForStderr(/@storage\.azure\.com \d{3} /);
    } finally {
      const end = await s.stop();
      assert.ok(!end.stderr.includes(secret), end.stderr);
      assert.ok(!end.stderr.includes('hunter2-in-the-url'), end.stderr);
    }
  });
});
