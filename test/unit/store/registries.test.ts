import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { scrubDocument } from '../../../src/core/admin.js';
import { silentLog } from '../../../src/domain/log.js';
import { cachedRegistryToken, exchangeOnce, identityKey } from '../../../src/core/registry-tokens.js';
import { registryTokensOf, setRegistryTokens } from '../../../src/store/registries.js';
import { emptyDocument, formatSessionsDocument, parseSessionsDocument } from '../../../src/store/sessions-document.js';
import { updateSessions } from '../../../src/store/sessions-lock.js';
import { makeTmpHome } from '../../support/tmp-home.js';

const tmp = makeTmpHome();
after(() => tmp.cleanup());
const store = { home: tmp.home, deadline: Date.now() + 30_000, log: silentLog };
const query = { protocol: 'AzClientCredentials' as const, clientId: 'App', tenant: 'T', authority: 'https://login.microsoftonline.com', scope: [], resource: 'r' };

test('registry tokens live under azsess.registries, survive a round trip, and malformed entries are dropped', () => {
  const doc = emptyDocument();
  const expiry = new Date('2030-01-01T03:00:00.000Z');
  const account = { upn: 'bob@contoso.example', oid: '22222222-2222-2222-2222-222222222222' };
  setRegistryTokens(doc, [{ server: 'a.azurecr.io', username: 'u', refreshToken: 'rt', expiry, identity: 'id', account }]);
  doc.extensions.registries = { ...(doc.extensions.registries as object), 'bad.azurecr.io': { expiry: 'never' }, 'worse.io': 7 };
  const text = formatSessionsDocument(doc);
  assert.deepEqual(JSON.parse(text).sessions, [], 'AzSessions.jl sees no new entries');
  const parsed = parseSessionsDocument(text);
  assert.ok(parsed.ok);
  assert.deepEqual(registryTokensOf(parsed.doc), [{ server: 'a.azurecr.io', username: 'u', refreshToken: 'rt', expiry, identity: 'id', account }]);
  const report = scrubDocument(parsed.doc);
  assert.equal(report.registries, 1);
  assert.equal(registryTokensOf(parsed.doc)[0]!.refreshToken, '');
});

test('one exchange for concurrent callers; no reuse across identities or near expiry', async () => {
  const identity = identityKey(query);
  assert.equal(identity, identityKey({ ...query, clientId: 'app', tenant: 't' }), 'ids compare case-insensitively');
  const app = { identity, account: {} };
  let exchanges = 0;
  const exchange = async () => {
    exchanges += 1;
    await new Promise((r) => setTimeout(r, 20));
    return { refreshToken: `rt-${exchanges}`, expiry: new Date(Date.now() + 3 * 3600_000) };
  };
  const tokens = await Promise.all([1, 2, 3].map(() => exchangeOnce('a.azurecr.io', app, 'u', exchange, store, () => new Date())));
  assert.equal(exchanges, 1);
  assert.deepEqual(new Set(tokens.map((t) => t.refreshToken)), new Set(['rt-1']));
  assert.equal((await cachedRegistryToken('a.azurecr.io', app, store, new Date()))?.refreshToken, 'rt-1');
  assert.equal(await cachedRegistryToken('a.azurecr.io', { identity: identityKey({ ...query, clientId: 'other' }), account: {} }, store, new Date()), undefined);
  assert.equal(await cachedRegistryToken('a.azurecr.io', app, store, new Date(Date.now() + 3 * 3600_000 - 60_000)), undefined);
  assert.ok(!readFileSync(join(tmp.home, 'sessions.json'), 'utf8').includes('"sessions":["'));
});

test("a person's registry token is stored under the person whose Entra token was exchanged, and never handed to another", async () => {
  const people = makeTmpHome();
  after(() => people.cleanup());
  const home = { ...store, home: people.home };
  const identity = identityKey({ ...query, protocol: 'AzDeviceCodeFlowCredentials' });
  const alice = { upn: 'alice@contoso.example', oid: '11111111-1111-1111-1111-111111111111' };
  const bob = { upn: 'bob@contoso.example', oid: '22222222-2222-2222-2222-222222222222' };
  let exchanges = 0;
  const exchange = async () => ({ refreshToken: `rt-${++exchanges}`, expiry: new Date(Date.now() + 3 * 3600_000) });
  // Looked up for Alice, but Bob signed in: his token is exchanged and stored as his.
  await exchangeOnce('a.azurecr.io', { identity, account: bob }, 'u', exchange, home, () => new Date());
  assert.equal(await cachedRegistryToken('a.azurecr.io', { identity, account: alice }, home, new Date()), undefined);
  assert.equal(await cachedRegistryToken('a.azurecr.io', { identity, account: { upn: alice.upn } }, home, new Date()), undefined);
  assert.equal(await cachedRegistryToken('a.azurecr.io', { identity, account: {} }, home, new Date()), undefined, 'nor to an unknown account');
  for (const asked of [bob, { upn: 'BOB@contoso.example' }, { oid: bob.oid }]) {
    assert.equal((await cachedRegistryToken('a.azurecr.io', { identity, account: asked }, home, new Date()))?.refreshToken, 'rt-1', JSON.stringify(asked));
  }
  const forAlice = await exchangeOnce('a.azurecr.io', { identity, account: alice }, 'u', exchange, home, () => new Date());
  assert.equal(forAlice.refreshToken, 'rt-2', "Bob's token is not Alice's: a new exchange");
});

test("a person's registry token without an account (stored before azsess recorded it) is exchanged again, never handed out", async () => {
  const old = makeTmpHome();
  after(() => old.cleanup());
  const home = { ...store, home: old.home };
  const expiry = new Date(Date.now() + 3 * 3600_000);
  const alice = { upn: 'alice@contoso.example', oid: '11111111-1111-1111-1111-111111111111' };
  for (const protocol of ['AzDeviceCodeFlowCredentials', 'AzAuthCodeFlowCredentials'] as const) {
    const identity = identityKey({ ...query, protocol });
    await updateSessions(old.home, home, (doc) =>
      setRegistryTokens(doc, [{ server: 'a.azurecr.io', username: 'u', refreshToken: 'old', expiry, identity, account: {} }]),
    );
    // Its app's sessions cleared, the helper looks up no account: nobody is the unknown account.
    for (const account of [{}, alice]) {
      assert.equal(await cachedRegistryToken('a.azurecr.io', { identity, account }, home, new Date()), undefined, `${protocol} ${JSON.stringify(account)}`);
    }
    let exchanges = 0;
    const exchange = async () => ({ refreshToken: `new-${++exchanges}`, expiry });
    const fresh = await exchangeOnce('a.azurecr.io', { identity, account: {} }, 'u', exchange, home, () => new Date());
    assert.equal(fresh.refreshToken, 'new-1', 'the old token is not reused under the lock either');
    assert.equal(await cachedRegistryToken('a.azurecr.io', { identity, account: {} }, home, new Date()), undefined, 'nor the new one, whose person is unknown');
  }
  // An app's token names no person and is reused as before.
  const app = { identity: identityKey(query), account: {} };
  await updateSessions(old.home, home, (doc) => setRegistryTokens(doc, [{ server: 'a.azurecr.io', username: 'u', refreshToken: 'app', expiry, ...app }]));
  assert.equal((await cachedRegistryToken('a.azurecr.io', app, home, new Date()))?.refreshToken, 'app');
});
