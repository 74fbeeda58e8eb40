import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { createPkcePair, decodeJwt, postForm } from '../idp/index.js';
import { noSessionsIn, pkceChallengeOf, redirectOf, withAuthorizeUrl } from '../support/auth-code-session.js';
import { expireStoredTokens, idpEnv, readStoredSessions } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { listeningAddresses } from '../support/listening-sockets.js';
import { DEFAULT_REDIRECT_PORT, withPortLock } from '../support/port-lock.js';

/**
 * The auth code flow through the built CLI: the test identity provider's pages are walked over
 * HTTP (idp.completeAuthorization), and the redirect is delivered to azsess's listener as a
 * browser would. auth-code-browser.test.ts does the same in Chromium.
 */
const fx = useIdpAndHome();

const defaultRedirect = 'http://localhost:44300/reply';
/** A test not about the default redirect listens on a port of its own (Entra ignores the port on localhost). */
const ownPort = ['--redirect-uri', 'http://localhost:0/reply'];
/** A test that lets azsess bind its default port 44300 holds it against the other test files. */
const onDefaultPort = <T>(body: () => Promise<T>) => withPortLock(DEFAULT_REDIRECT_PORT, body);
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, env) });
function login<T>(args: string[], onUrl: Parameters<typeof withAuthorizeUrl<T>>[2], env: Record<string, string> = {}) {
  return withAuthorizeUrl(['login', '--protocol', 'auth-code', '--verbose', ...args], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, env) }, onUrl);
}

function assertNoLeaks(...texts: string[]) {
  assert.deepEqual(fx.idp.issued.findIn(texts.join('\n')), [], 'no code, token or secret on stderr');
}

function tryListen(server: Server, port: number): Promise<number | undefined> {
  return new Promise<number | undefined>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(undefined) : reject(err)));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve((server.address() as { port: number }).port));
  });
}

/**
 * Holds a TCP port as "another program" would. Callers of the default port hold its lock, so only
 * a program outside this suite can have it; wait for that one to let go rather than carry on.
 */
async function holdPort(port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer();
  let bound = await tryListen(server, port);
  for (let i = 0; bound === undefined && i < 300; i++) {
    await sleep(100);
    bound = await tryListen(server, port);
  }
  if (bound === undefined) throw new Error(`port ${port} stayed busy for 30 s: another program holds it`);
  return { port: bound, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function nonLoopbackIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

describe('auth code sign-in with PKCE (over HTTP)', () => {
  test('a redirect with a wrong or missing state is ignored; the real answer completes the sign-in', () => onDefaultPort(async () => {
    const { result, outcome } = await login([], async (url) => {
      const redirect = redirectOf(url);
      const forged = await fetch(`${redirect.href}?code=forged-code-123&state=not-the-state`);
      const stateless = await fetch(`${redirect.href}?code=forged-code-123`);
      const favicon = await fetch(`${redirect.origin}/favicon.ico`);
      const real = await fx.idp.completeAuthorization(url);
      return { url, forged: [forged.status, await forged.text()] as const, stateless: stateless.status, favicon: favicon.status, real };
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(outcome.forged[0], 400);
    assert.match(outcome.forged[1], /ignored/);
    assert.equal(outcome.stateless, 400);
    assert.equal(outcome.favicon, 404);
    assert.equal(outcome.real.delivered?.status, 200);
    assert.match(outcome.real.delivered!.body, /Signed in/);
    assert.ok(!outcome.real.delivered!.body.includes(outcome.real.code!), 'the success page does not show the code');

    const authorize = new URL(outcome.url).searchParams;
    assert.equal(authorize.get('response_type'), 'code');
    assert.equal(authorize.get('response_mode'), 'query');
    assert.equal(authorize.get('prompt'), 'select_account');
    assert.equal(authorize.get('code_challenge_method'), 'S256');
    assert.match(authorize.get('scope')!, /https:\/\/storage\.azure\.com\/user_impersonation/, 'consent for every audience up front');
    assert.ok((authorize.get('state') ?? '').length >= 22);
    const redemptions = fx.idp.requests.filter({ endpoint: 'token', grantType: 'authorization_code' });
    assert.equal(redemptions.length, 1, 'the forged code was never redeemed');
    const form = redemptions[0]!.form!;
    assert.equal(form.code, outcome.real.code);
    assert.equal(form.redirect_uri, authorize.get('redirect_uri'));
    assert.equal(pkceChallengeOf(form.code_verifier!), authorize.get('code_challenge'));
    assert.equal(form.scope, 'openid offline_access https://management.azure.com/user_impersonation', 'one resource at redemption');

    const [session] = readStoredSessions(fx.tmp.home);
    assert.equal(session!.protocol, 'AzAuthCodeFlowCredentials');
    assert.equal(session!.redirectUri, defaultRedirect);
    assert.equal(session!.account, fx.idp.username);
    assert.ok(session!.refreshToken);
    assert.match(result.stderr, /Signed in as alice@azsess-test\.onmicrosoft\.com .* with auth-code/);
    assertNoLeaks(result.stderr);
  }));

  test('refreshes and new audiences need no browser; sessions keep the redirect URI they are found by', async () => {
    const redirect = 'http://localhost:0/reply';
    const { result } = await login(['--redirect-uri', redirect], (url) => fx.idp.completeAuthorization(url));
    assert.equal(result.code, 0, result.stderr);
    expireStoredTokens(fx.tmp.home);
    fx.idp.requests.reset();
    const args = ['token', '--protocol', 'auth-code', '--redirect-uri', redirect, '--no-interactive'];
    const refreshed = await run(args);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    const storage = await run([...args, '--scope', 'https://storage.azure.com/.default']);
    assert.equal(storage.code, 0, storage.stderr);
    assert.equal(decodeJwt(storage.stdout.trim()).aud, 'https://storage.azure.com');
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 2);
    assert.equal(fx.idp.requests.count({ endpoint: 'authorize' }), 0);
    const sessions = readStoredSessions(fx.tmp.home);
    assert.equal(sessions.length, 2, 'the refresh replaced its session; the new audience is a session of its own');
    assert.deepEqual(sessions.map((s) => s.redirectUri), [redirect, redirect]);
    // Another redirect URI is another session, as in AzSessions.jl; the same person's refresh token makes it.
    const other = await run(['token', '--protocol', 'auth-code', '--no-interactive']);
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.redirectUri), ['http://localhost:44300/reply', redirect, redirect]);
    assert.equal(fx.idp.requests.count({ endpoint: 'authorize' }), 0);
  });

  test('the provider refuses an intercepted code without azsess\'s code_verifier; azsess redeems it with its own', async () => {
    const { result, outcome } = await login(ownPort, async (url) => {
      const answer = await fx.idp.completeAuthorization(url, { deliver: false });
      const token = `${fx.idp.authority}/oauth2/v2.0/token`;
      const stolen = { client_id: fx.idp.publicClientId, grant_type: 'authorization_code', code: answer.code!, redirect_uri: redirectOf(url).href };
      const without = await postForm(token, stolen);
      const wrong = await postForm(token, { ...stolen, code_verifier: createPkcePair().verifier });
      const delivered = await fetch(answer.redirectUrl);
      return { without, wrong, delivered: delivered.status };
    });
    for (const attempt of [outcome.without, outcome.wrong]) {
      assert.equal(attempt.status, 400);
      assert.equal(attempt.json.error, 'invalid_grant');
      assert.deepEqual(attempt.json.error_codes, [501481]);
    }
    assert.equal(outcome.delivered, 200);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readStoredSessions(fx.tmp.home)[0]!.protocol, 'AzAuthCodeFlowCredentials');
  });

  test('error=access_denied ends the sign-in with exit 4 and the provider\'s description; nothing is saved', async () => {
    const { result, outcome } = await login(ownPort, (url) => fx.idp.completeAuthorization(url, { decline: true }));
    assert.equal(outcome.error, 'access_denied');
    assert.match(outcome.delivered!.body, /Sign-in failed/);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /error: Entra ID refused the sign-in: AADSTS65004: User declined to consent .*\(access_denied\); run the command again and accept/);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 0);
    assert.ok(noSessionsIn(fx.tmp.home));
  });

  test('the default port held by another program: azsess listens on another one, says so, and keeps the default redirect URI', () => onDefaultPort(async () => {
    const held = await holdPort(DEFAULT_REDIRECT_PORT);
    try {
      const { result, outcome } = await login([], async (url) => {
        const redirect = redirectOf(url);
        await fx.idp.completeAuthorization(url);
        return redirect;
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(outcome.hostname, 'localhost');
      assert.equal(outcome.pathname, '/reply');
      assert.notEqual(outcome.port, '44300');
      assert.match(result.stderr, /Port 44300 of localhost is in use .*; listening on port \d+ instead/);
      assert.equal(readStoredSessions(fx.tmp.home)[0]!.redirectUri, defaultRedirect, 'recorded as configured, not as used');
      fx.idp.requests.reset();
      const token = await run(['token', '--protocol', 'auth-code']);
      assert.equal(token.code, 0, token.stderr);
      assert.equal(token.stdout, `${readStoredSessions(fx.tmp.home)[0]!.token}\n`);
      assert.equal(fx.idp.requests.count(), 0, 'the next token is a cache hit');
    } finally {
      await held.close();
    }
  }));

  test('an explicit --redirect-uri port that is busy ends with exit 6 naming the port, before any request', async () => {
    const held = await holdPort(0);
    try {
      const result = await run(['login', '--protocol', 'auth-code', '--no-browser', '--redirect-uri', `http://localhost:${held.port}/reply`]);
      assert.equal(result.code, 6, result.stderr);
      assert.match(result.stderr, new RegExp(`error: Port ${held.port} of localhost .* is in use by another program; .*--redirect-uri`));
      assert.equal(fx.idp.requests.count(), 0);
    } finally {
      await held.close();
    }
  });

  test('the listener answers on loopback only: it is bound to loopback addresses, and the machine\'s other address refuses it', async () => {
    const address = nonLoopbackIPv4();
    const { result, outcome } = await login(ownPort, async (url, child) => {
      const port = Number(redirectOf(url).port);
      const bound = listeningAddresses(port);
      const outside = address ? await connectOutcome(address, port) : undefined;
      const inside = await connectOutcome('127.0.0.1', port);
      child.kill('SIGINT');
      return { bound, outside, inside };
    });
    assert.equal(outcome.inside, 'connected');
    // Checked on the socket itself, so a machine with no other address proves it too.
    assert.ok(outcome.bound.length > 0, 'the listening socket is found');
    for (const a of outcome.bound) assert.ok(a.loopback, `listening on ${a.address}, not loopback`);
    if (address) assert.equal(outcome.outside, 'ECONNREFUSED', `a connection to ${address} must be refused`);
    assert.equal(result.code, 130, result.stderr);
  });

  test('Ctrl-C while waiting for the browser exits 130, closes the listener and saves nothing', async () => {
    const { result } = await login(ownPort, async (_url, child) => {
      child.kill('SIGINT');
    });
    // Exit 130 of its own accord (not killed by runCli's timer): no open listener kept the process alive.
    assert.equal(result.signal, null);
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /Interrupted; nothing was saved/);
    assert.ok(noSessionsIn(fx.tmp.home));
  });

  test('with no display, azsess prints the URL with a device-code hint; --timeout ends the unfinished sign-in with exit 4', async () => {
    // No --no-browser: the clean environment has no DISPLAY, WAYLAND_DISPLAY or BROWSER.
    const { result, outcome } = await withAuthorizeUrl(
      ['login', '--protocol', 'auth-code', '--timeout', '1', ...ownPort],
      { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) },
      async (url) => url,
    );
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /No browser can be opened here \(there is no graphical display.*use --protocol device-code instead:\n/);
    assert.ok(result.stderr.includes(`\n${outcome}\n`), 'the URL is on a line of its own');
    assert.match(result.stderr, /error: No sign-in came back from the browser within 1 s; .*--protocol device-code/);
    assert.ok(noSessionsIn(fx.tmp.home));
  });

  test('token signs in through $BROWSER when allowed, passing --login-hint and --domain-hint, then prints the token', () => onDefaultPort(async () => {
    const urlFile = join(fx.tmp.userHome, 'browser-url.txt');
    const browser = join(fx.tmp.userHome, 'fake-browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" > '${urlFile}.tmp' && mv '${urlFile}.tmp' '${urlFile}'\n`);
    chmodSync(browser, 0o755);
    // The fake browser renames its file into place: act on that event.
    let answered: Promise<unknown> | undefined;
    const watcher = watch(fx.tmp.userHome, () => {
      if (!answered && existsSync(urlFile)) answered = fx.idp.completeAuthorization(readFileSync(urlFile, 'utf8').trim());
    });
    const result = await runCli(
      ['token', '--protocol', 'auth-code', '--interactive', '--scope', 'https://storage.azure.com/.default',
        '--login-hint', fx.idp.username, '--domain-hint', fx.idp.tenantDomain],
      { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, { BROWSER: browser }), timeoutMs: 30_000 },
    ).finally(() => watcher.close());
    await answered;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Opened the sign-in page in your browser/);
    assert.equal(decodeJwt(result.stdout.trim()).aud, 'https://storage.azure.com');
    const authorize = fx.idp.requests.last({ endpoint: 'authorize' })!.query;
    assert.equal(authorize.login_hint, fx.idp.username);
    assert.equal(authorize.domain_hint, fx.idp.tenantDomain);
    assert.equal(readStoredSessions(fx.tmp.home)[0]!.redirectUri, defaultRedirect);
    assertNoLeaks(result.stderr);
  }));
});
