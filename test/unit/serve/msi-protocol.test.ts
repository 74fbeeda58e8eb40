import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBindAddress, parsePort } from '../../../src/cli/commands/serve-spec.js';
import { AuthenticationError, ConfigError, InteractionRequiredError, InterruptedError, ServiceError, UsageError } from '../../../src/domain/errors.js';
import { refusalFor } from '../../../src/serve/msi-errors.js';
import { parseMsiRequest, tokenBody } from '../../../src/serve/msi-protocol.js';
import { newServeSecret, secretMatches } from '../../../src/serve/secret.js';
import { identityMismatch } from '../../../src/serve/served-identity.js';
import { singleFlight } from '../../../src/serve/single-flight.js';
import { endpointFor } from '../../../src/serve/token-server.js';
import type { Session } from '../../../src/domain/session.js';

const secret = newServeSecret();
const ok = { 'x-identity-header': secret };
const path = (query: string) => `/msi/token?${query}`;

describe('the App Service protocol (2019-08-01)', () => {
  test('a well-formed request names its resource and, maybe, an identity (object_id or principal_id)', () => {
    assert.deepEqual(parseMsiRequest('GET', path('api-version=2019-08-01&resource=https://vault.azure.net'), ok, secret), {
      ok: true,
      resource: 'https://vault.azure.net',
      identity: {},
    });
    const named = parseMsiRequest('GET', path('api-version=2019-08-01&resource=r&client_id=C&principal_id=P&mi_res_id=M'), ok, secret);
    assert.deepEqual(named.ok && named.identity, { clientId: 'C', objectId: 'P', resourceId: 'M' });
  });

  test('path, then method, then the secret, then the parameters: a caller without the secret learns nothing more', () => {
    const status = (method: string, url: string, headers: Record<string, string | string[]> = ok) => {
      const r = parseMsiRequest(method, url, headers, secret);
      return r.ok ? 200 : r.status;
    };
    assert.equal(status('GET', '/other?api-version=2019-08-01&resource=r', {}), 404);
    assert.equal(status('POST', path('api-version=2019-08-01&resource=r'), {}), 405);
    assert.equal(status('GET', path('resource=r'), {}), 401, 'no header');
    assert.equal(status('GET', path('resource=r'), { 'x-identity-header': `${secret}x` }), 401);
    assert.equal(status('GET', path('resource=r'), { 'x-identity-header': [secret, secret] }), 401, 'a repeated header is no secret');
    assert.equal(status('GET', path('api-version=2017-09-01&resource=r')), 400);
    assert.equal(status('GET', path('api-version=2019-08-01')), 400, 'no resource');
    assert.equal(status('GET', path('api-version=2019-08-01&resource=a&resource=b')), 400, 'two resources');
    assert.equal(status('GET', path('api-version=2019-08-01&resource=r&object_id=a&principal_id=b')), 400);
  });

  test('the 200 body: expires_on as a string of epoch seconds, expires_in from now', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const session = { token: 'eyJ.x.y', expiry: new Date(now.getTime() + 3600_000) } as Session;
    assert.deepEqual(tokenBody(session, 'https://vault.azure.net', 'app', now), {
      access_token: 'eyJ.x.y',
      expires_on: String(now.getTime() / 1000 + 3600),
      expires_in: 3600,
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
      client_id: 'app',
    });
  });
});

describe('serve helpers', () => {
  test('failures become the status and error the SDKs show; only the server\'s and the service\'s trouble is 5xx', () => {
    const cases: Array<[unknown, number, string]> = [
      [new InteractionRequiredError('no session; run: azsess login --protocol device-code'), 401, 'interaction_required'],
      [new AuthenticationError('AADSTS7000215: bad secret', { error: 'invalid_client' }), 400, 'invalid_client'],
      [new UsageError('bad resource'), 400, 'invalid_request'],
      [new ServiceError('unreachable'), 502, 'temporarily_unavailable'],
      [new InterruptedError(), 503, 'temporarily_unavailable'],
      [new ConfigError('broken manifest'), 500, 'server_error'],
      [new Error('boom'), 500, 'server_error'],
    ];
    for (const [err, status, error] of cases) assert.deepEqual([refusalFor(err).status, refusalFor(err).error], [status, error], String(err));
    assert.match(refusalFor(new InteractionRequiredError('no session; run: azsess login --tenant t')).description, /run: azsess login --tenant t$/);
    assert.doesNotMatch(refusalFor(new Error('internal detail')).description, /internal detail/, 'an unexpected failure is told on stderr only');
  });

  test('the secret is 32 random bytes in base64url, and only itself matches', () => {
    const other = newServeSecret();
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(secret, other);
    assert.equal(secretMatches(secret, secret), true);
    assert.equal(secretMatches(other, secret), false);
    assert.equal(secretMatches('', secret), false);
    assert.equal(secretMatches(undefined, secret), false);
  });

  test('an identity named by a request must be the served one; unknown kinds wait for the token', () => {
    const served = { clientIds: ['App-1'], objectIds: [], resourceIds: [] };
    assert.equal(identityMismatch({ clientId: 'app-1' }, served, false), undefined, 'GUIDs compare without case');
    assert.match(identityMismatch({ clientId: 'app-2' }, served, true) ?? '', /does not hand out tokens of client_id app-2: it serves client_id App-1/);
    assert.equal(identityMismatch({ objectId: 'o' }, served, true), undefined);
    assert.match(identityMismatch({ resourceId: '/subscriptions/x' }, served, false) ?? '', /has no mi_res_id/);
  });

  test('single flight: one call per key at a time, and a result that finished after a mark is shared', async () => {
    const flights = singleFlight<number>();
    let calls = 0;
    const work = () => new Promise<number>((resolve) => setImmediate(() => resolve(++calls)));
    const mark = flights.mark();
    const a = flights.run('k', work, mark);
    const b = flights.run('k', work, mark);
    assert.deepEqual([a.joined, b.joined], [false, true]);
    assert.deepEqual(await Promise.all([a.result, b.result]), [1, 1]);
    const late = flights.run('k', work, mark);
    assert.deepEqual([late.joined, await late.result], [true, 1], 'missed the cache before it finished: shares it');
    const next = flights.run('k', work, flights.mark());
    assert.deepEqual([next.joined, await next.result], [false, 2]);
  });

  test('--port and --bind: numbers and IP addresses only; the endpoint of a wildcard bind is loopback', () => {
    assert.equal(parsePort('0'), 0);
    assert.equal(parsePort('8123'), 8123);
    for (const bad of ['-1', '65536', 'x', '', '1.5']) assert.throws(() => parsePort(bad), UsageError);
    assert.equal(parseBindAddress('localhost'), '127.0.0.1');
    assert.equal(parseBindAddress('[::1]'), '::1');
    assert.equal(parseBindAddress('172.17.0.1'), '172.17.0.1');
    assert.throws(() => parseBindAddress('host.docker.internal'), UsageError);
    assert.equal(endpointFor('0.0.0.0', 80), 'http://127.0.0.1:80/msi/token');
    assert.equal(endpointFor('::1', 80), 'http://[::1]:80/msi/token');
  });
});
