import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readStoredSessions } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';

/** The network misbehaves; azsess recovers within its deadline or says so with exit 5. */
const fx = useIdpAndHome();


async function token(args: string[] = []) {
  const result = await runCli(['token', '--protocol', 'client-credentials', '--verbose', ...args], { userHome: fx.tmp.userHome, env: fx.appEnv() });
  assert.deepEqual(fx.idp.issued.findIn(result.stderr), [], 'no secret on stderr');
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  return result;
}

describe('recovering', () => {
  test('503 three times, then 200: succeeds after backing off, one verbose line per retry', async () => {
    fx.idp.faults.add('token', { status: 503 }, { times: 3 });
    const r = await token();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 4);
    assert.equal(r.stderr.split('\n').filter((l) => /Retry \d+\/9 of the token endpoint/.test(l)).length, 3);
  });

  test('429 with Retry-After waits that long', async () => {
    fx.idp.faults.add('token', { status: 429, headers: { 'Retry-After': '2' } }, { times: 1 });
    const r = await token();
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = fx.idp.requests.filter({ endpoint: 'token' });
    assert.ok(second!.time - first!.time >= 2000, `waited ${second!.time - first!.time} ms`);
  });

  test('429 with Retry-After as an HTTP date waits until then', async () => {
    // A whole second 4-5 s ahead: an HTTP date has no fraction, and ignoring it would mean the
    // backoff of a first retry (1-2 s), which this wait cannot be mistaken for.
    const until = Math.ceil((Date.now() + 4000) / 1000) * 1000;
    fx.idp.faults.add('token', { status: 429, headers: { 'Retry-After': new Date(until).toUTCString() } }, { times: 1 });
    const r = await token();
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = fx.idp.requests.filter({ endpoint: 'token' });
    assert.ok(first!.time < until - 2000, 'the 429 came well before the date');
    assert.ok(second!.time >= until, `the retry came ${until - second!.time} ms before the date`);
  });

  test('a dropped connection is retried', async () => {
    fx.idp.faults.add('token', { drop: true }, { times: 1 });
    const r = await token();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 2);
  });
});

describe('giving up with exit 5 and one sentence', () => {
  test('a truncated body', async () => {
    fx.idp.faults.add('token', { truncate: true });
    const r = await token(['--timeout', '4']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /error: .*token endpoint/);
    // The deadline ended it, not the limit of 10 attempts: waits of 1, 2 and 4 s leave room for 3 in 4 s.
    assert.ok(fx.idp.requests.count({ endpoint: 'token' }) <= 3, `${fx.idp.requests.count({ endpoint: 'token' })} attempts`);
  });

  test('a server that never answers ends by the deadline and says it timed out', async () => {
    fx.idp.faults.add('token', { hang: true });
    const r = await token(['--timeout', '3']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /Timed out/);
    // One attempt: the 3 s deadline cut it, not the 10 s bound of an attempt (which would retry).
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 1);
  });

  test('AZSESS_TIMEOUT bounds a command run without --timeout; a bad value is a configuration error', async () => {
    fx.idp.faults.add('token', { hang: true });
    const r = await runCli(['token', '--protocol', 'client-credentials'], { userHome: fx.tmp.userHome, env: fx.appEnv({ AZSESS_TIMEOUT: '2' }) });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /Timed out/);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 1, 'the 2 s deadline cut the one attempt short');
    const bad = await runCli(['token', '--protocol', 'client-credentials'], { userHome: fx.tmp.userHome, env: fx.appEnv({ AZSESS_TIMEOUT: '-1' }) });
    assert.equal(bad.code, 6, bad.stderr);
    assert.equal(bad.stderr, 'azsess: error: AZSESS_TIMEOUT must be a number of seconds above 0, not "-1"; fix or unset it.\n');
  });

  test('the same request too often: Entra\'s loop detection (AADSTS50196) is explained, not blamed on the secret', async () => {
    // --offset beyond the token's life makes every run ask again: a client loop, to Entra.
    // Twelve runs must each succeed before their deadline, however loaded the machine.
    const again = () => token(['--offset', '4000', '--timeout', '8']);
    for (let i = 0; i < 12; i++) assert.equal((await again()).code, 0);
    const r = await again();
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /AADSTS50196/);
    assert.doesNotMatch(r.stderr, /secret/);
    assert.match(r.stderr, /too many identical requests.*wait a few minutes/);
  });

  test('a 200 that is not JSON names the status and the content type', async () => {
    fx.idp.faults.add('token', { nonJson: true });
    const r = await token();
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /answered HTTP 200 with text\/html, not the JSON expected/);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 1, 'not retried');
  });

  test('a proxy error page that does not go away', async () => {
    fx.idp.faults.add('token', { htmlErrorPage: 502 });
    // Long enough for a slow start on a loaded machine: the sentence needs the 502 page first.
    const r = await token(['--timeout', '8']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /kept failing \(HTTP 502\)/);
  });

  test('nothing stored is lost when the service fails', async () => {
    assert.equal((await token(['--resource', 'https://vault.azure.net'])).code, 0);
    fx.idp.faults.add('token', { status: 500 });
    // Long enough for a slow start on a loaded machine: the sentence quotes the 500's trace id.
    const failed = await token(['--timeout', '8']);
    assert.equal(failed.code, 5);
    // Entra names even a failed answer (x-ms-request-id): the sentence quotes it for support.
    assert.match(failed.stderr, /kept failing \(HTTP 500\) \(.*; trace id [0-9a-f-]{36}, client-request-id /);
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.resource), ['https://vault.azure.net']);
  });
});

describe('authority hosts', () => {
  test('plain http to a host that is not loopback is refused before any request', async () => {
    const flag = await runCli(['token', '--authority-host', 'http://login.example.com'], { userHome: fx.tmp.userHome });
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /plain http is allowed only for a loopback host/);
    const variable = await runCli(['token'], { userHome: fx.tmp.userHome, env: { AZURE_AUTHORITY_HOST: 'http://10.1.2.3:8080' } });
    assert.equal(variable.code, 6, variable.stderr);
    assert.match(variable.stderr, /AZURE_AUTHORITY_HOST/);
  });
});
