import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatExpiry, parseExpiry, requiredKeys } from '../../../src/store/codec.js';
import { formatSessionsDocument, parseSessionsDocument } from '../../../src/store/sessions-document.js';
import { fixturesDir } from '../../support/paths.js';

const sessionFixtures = readdirSync(fixturesDir).filter((f) => f.startsWith('sessions'));

function parse(text: string) {
  const result = parseSessionsDocument(text);
  assert.ok(result.ok, `expected a valid document, got ${result.ok ? '' : result.problem}`);
  return result.doc;
}

/** The Julia reader: each entry a JSON string with every key of its protocol, same types. */
function assertJuliaReadable(text: string) {
  const file = JSON.parse(text) as { sessions: unknown[] };
  assert.ok(Array.isArray(file.sessions));
  for (const entry of file.sessions) {
    assert.equal(typeof entry, 'string', 'AzSessions.jl stores each session as a JSON string');
    const object = JSON.parse(entry as string) as Record<string, unknown>;
    assert.ok(!String(object.protocol).startsWith('AzSessions.'));
    for (const key of requiredKeys(object.protocol as never)) {
      assert.ok(key in object, `${String(object.protocol)} entry lacks ${key}`);
      assert.equal(typeof object[key], key === 'lock' ? 'boolean' : 'string', `${key} has the wrong type`);
    }
    assert.match(String(object.expiry), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?$/);
  }
}

for (const name of sessionFixtures) {
  test(`${name}: read, write, read again gives the same sessions, and Julia can read the result`, () => {
    const original = readFileSync(join(fixturesDir, name), 'utf8');
    const first = parse(original);
    const written = formatSessionsDocument(first);
    assertJuliaReadable(written);
    const second = parse(written);
    const expected = name.includes('duplicates') ? first.sessions.slice(0, 1) : first.sessions;
    assert.deepEqual(second.sessions, expected);
    assert.equal(formatSessionsDocument(second), written, 'writing is stable');
  });
}

test('sessions.json fixture: every protocol decoded, prefix stripped, expiry fractions honoured', () => {
  const doc = parse(readFileSync(join(fixturesDir, 'sessions.json'), 'utf8'));
  assert.deepEqual(
    doc.sessions.map((s) => s.protocol),
    ['AzDeviceCodeFlowCredentials', 'AzAuthCodeFlowCredentials', 'AzClientCredentials', 'AzVMCredentials'],
  );
  const [device, auth, client, vm] = doc.sessions;
  assert.equal(device!.expiry.toISOString(), '2026-11-21T14:05:03.123Z');
  assert.deepEqual(device!.scope, ['openid', 'offline_access', 'https://management.azure.com/user_impersonation']);
  assert.equal(auth!.redirectUri, 'http://localhost:44300/reply');
  assert.equal(client!.expiry.toISOString(), '2026-11-21T15:30:00.500Z');
  assert.equal(client!.resource, 'https://management.azure.com/');
  assert.equal(vm!.expiry.toISOString(), '2026-11-21T16:00:00.000Z');
});

test('duplicates collapse to the newest', () => {
  const doc = parse(readFileSync(join(fixturesDir, 'sessions-duplicates.json'), 'utf8'));
  assert.equal(doc.sessions.length, 2);
  const again = parse(formatSessionsDocument(doc));
  assert.equal(again.sessions.length, 1);
  assert.equal(again.sessions[0]!.refreshToken, '0.AAAA-refresh-device');
});

test('expiry: any number of fraction digits, an optional zone, Julia-style output', () => {
  const cases: Array<[string, string]> = [
    ['2026-11-21T14:05:03', '2026-11-21T14:05:03.000Z'],
    ['2026-11-21T14:05:03.5', '2026-11-21T14:05:03.500Z'],
    ['2026-11-21T14:05:03.123', '2026-11-21T14:05:03.123Z'],
    ['2026-11-21T14:05:03.1234567', '2026-11-21T14:05:03.123Z'],
    ['2026-11-21T14:05:03Z', '2026-11-21T14:05:03.000Z'],
    ['2026-11-21T15:05:03+01:00', '2026-11-21T14:05:03.000Z'],
  ];
  for (const [input, iso] of cases) assert.equal(parseExpiry(input)?.toISOString(), iso, input);
  assert.equal(parseExpiry('tomorrow'), undefined);
  assert.equal(formatExpiry(new Date('2026-11-21T14:05:03.000Z')), '2026-11-21T14:05:03');
  assert.equal(formatExpiry(new Date('2026-11-21T14:05:03.500Z')), '2026-11-21T14:05:03.5');
  assert.equal(formatExpiry(new Date('2026-11-21T14:05:03.123Z')), '2026-11-21T14:05:03.123');
});

test('entries given as objects, scopes joined by spaces, and unknown keys are accepted and kept', () => {
  const text = JSON.stringify({
    sessions: [
      {
        protocol: 'AzDeviceCodeFlowCredentials', client_id: 'c', expiry: '2026-01-01T00:00:00', id_token: '', lock: false,
        refresh_token: 'r', scope: 'openid offline_access https://x.net/.default', scope_auth: '', tenant: 't', token: '',
        julia_future_key: 42,
      },
    ],
    somebody_else: { keep: true },
  });
  const doc = parse(text);
  assert.deepEqual(doc.sessions[0]!.scope, ['openid', 'offline_access', 'https://x.net/.default']);
  const written = JSON.parse(formatSessionsDocument(doc)) as { sessions: string[]; somebody_else: unknown };
  assert.deepEqual(written.somebody_else, { keep: true });
  const entry = JSON.parse(written.sessions[0]!) as Record<string, unknown>;
  assert.equal(entry.julia_future_key, 42);
  assert.equal(entry.scope, 'openid+offline_access+https://x.net/.default');
});

test('an entry of a protocol azsess does not know is written back verbatim', () => {
  const unknown = JSON.stringify({ protocol: 'AzSessions.AzFutureCredentials', token: 'x' });
  const doc = parse(JSON.stringify({ sessions: [unknown] }));
  assert.equal(doc.sessions.length, 0);
  assert.deepEqual(JSON.parse(formatSessionsDocument(doc)), { sessions: [unknown] });
});

test('shapes that are not a session cache are rejected with a reason', () => {
  for (const text of ['', 'not json', '[]', '{}', '{"sessions": 3}']) {
    const result = parseSessionsDocument(text);
    assert.equal(result.ok, false, text);
  }
});

test('entries that are not sessions are kept as found and counted, beside the good ones', () => {
  const good = JSON.stringify({ protocol: 'AzVMCredentials', expiry: '2030-01-01T00:00:00', resource: 'https://r.example/', token: 't' });
  const wrongTypes = JSON.stringify({ protocol: 'AzVMCredentials', expiry: 2030, resource: 'https://r.example/', token: 't' });
  const future = JSON.stringify({ protocol: 'AzFutureCredentials' });
  const doc = parse(JSON.stringify({ sessions: [3, good, 'nope', wrongTypes, future] }));
  assert.equal(doc.sessions.length, 1);
  assert.deepEqual(doc.malformed, [1, 3, 4], 'an unknown protocol is not malformed');
  assert.deepEqual(doc.kept, [3, 'nope', wrongTypes, future]);
  const written = JSON.parse(formatSessionsDocument(doc)) as { sessions: unknown[] };
  assert.deepEqual(written.sessions.slice(1), [3, 'nope', wrongTypes, future]);
});

test('azsess-only sessions live under the azsess key, out of the Julia reader’s way', () => {
  const doc = parse('{"sessions":[]}');
  doc.sessions.push({
    protocol: 'AzFederatedCredentials', clientId: 'c', tenant: 't', token: 'tok', expiry: new Date(0), refreshToken: '',
    idToken: '', scope: [], scopeAuth: [], redirectUri: '', resource: 'https://management.azure.com/', clientSecret: '',
    lock: false, extra: {},
  });
  const written = JSON.parse(formatSessionsDocument(doc)) as { sessions: unknown[]; azsess: { sessions: unknown[] } };
  assert.deepEqual(written.sessions, []);
  assert.equal(written.azsess.sessions.length, 1);
  assert.equal(parse(JSON.stringify(written)).sessions[0]!.protocol, 'AzFederatedCredentials');
});
