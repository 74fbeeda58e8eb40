import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { upsert } from '../../../src/core/engine.js';
import type { Session } from '../../../src/domain/session.js';
import { parseSessionsDocument, type SessionsDocument } from '../../../src/store/sessions-document.js';
import { fixturesDir } from '../../support/paths.js';

/** A home AzSessions.jl wrote: its entries name no account, and the fixture's tokens' claims name nobody. */
function fixtureHome(name: string): SessionsDocument {
  const parsed = parseSessionsDocument(readFileSync(join(fixturesDir, name), 'utf8'));
  assert.ok(parsed.ok);
  return parsed.doc;
}

const isDevice = (s: Session) => s.protocol === 'AzDeviceCodeFlowCredentials';

/** What a refresh of `old` stores: new tokens, and the account their claims name. */
function refreshedCopy(old: Session, upn: string, oid: string): Session {
  return { ...old, token: `new-token-${upn}`, refreshToken: `new-rt-${upn}`, expiry: new Date('2026-12-01T00:00:00Z'), account: upn, accountOid: oid };
}

for (const name of ['sessions.json', 'sessions-duplicates.json']) {
  test(`${name}: a refresh replaces the account-less entry whose refresh token it redeemed (and its duplicates), and keeps the other protocols`, () => {
    const doc = fixtureHome(name);
    const old = doc.sessions.find(isDevice)!;
    assert.equal(old.account, undefined);
    const others = doc.sessions.filter((s) => !isDevice(s));
    const fresh = refreshedCopy(old, 'alice@contoso.example', '11111111-1111-1111-1111-111111111111');
    upsert(doc, fresh, old);
    assert.deepEqual(doc.sessions.filter(isDevice), [fresh]);
    assert.deepEqual(doc.sessions.filter((s) => !isDevice(s)), others);
  });
}

test('a sign-in (no entry refreshed) cannot tell whose an account-less entry was: it stays', () => {
  const doc = fixtureHome('sessions.json');
  const old = doc.sessions.find(isDevice)!;
  upsert(doc, refreshedCopy(old, 'bob@contoso.example', '22222222-2222-2222-2222-222222222222'));
  assert.equal(doc.sessions.filter(isDevice).length, 2);
});

test("an entry that names another person is never replaced, even one holding the refreshed entry's refresh token", () => {
  const doc = fixtureHome('sessions.json');
  const old = doc.sessions.find(isDevice)!;
  const bobs: Session = { ...old, account: 'bob@contoso.example', accountOid: '22222222-2222-2222-2222-222222222222' };
  doc.sessions.push(bobs);
  const fresh = refreshedCopy(old, 'alice@contoso.example', '11111111-1111-1111-1111-111111111111');
  upsert(doc, fresh, old);
  assert.deepEqual(doc.sessions.filter(isDevice), [fresh, bobs]);
});

test("an account-less entry whose tokens' claims name the account is that account's session: replaced; another person's stays", () => {
  const jwt = (claims: object) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  const alice = { upn: 'alice@contoso.example', oid: '11111111-1111-1111-1111-111111111111' };
  const bob = { upn: 'bob@contoso.example', oid: '22222222-2222-2222-2222-222222222222' };
  for (const [owner, kept] of [[alice, 0], [bob, 1]] as const) {
    const file = JSON.parse(readFileSync(join(fixturesDir, 'sessions.json'), 'utf8')) as { sessions: string[] };
    const entry = JSON.parse(file.sessions[0]!) as Record<string, unknown>;
    entry.id_token = jwt({ aud: 'x', preferred_username: owner.upn, oid: owner.oid });
    file.sessions[0] = JSON.stringify(entry);
    const parsed = parseSessionsDocument(JSON.stringify(file));
    assert.ok(parsed.ok);
    const old = parsed.doc.sessions.find(isDevice)!;
    // A sign-in by Alice: nothing was refreshed, the claims alone tell.
    upsert(parsed.doc, refreshedCopy(old, alice.upn, alice.oid));
    assert.equal(parsed.doc.sessions.filter(isDevice).length, 1 + kept, owner.upn);
  }
});
