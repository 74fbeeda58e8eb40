import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountFromTokens, defaultAccount, sameAccount, selectorAccount } from '../../../src/domain/accounts.js';
import { sameSession, type Session } from '../../../src/domain/session.js';
import { OAuthError } from '../../../src/oauth/token-response.js';
import { requiredKeys } from '../../../src/store/codec.js';
import { formatSessionsDocument, parseSessionsDocument } from '../../../src/store/sessions-document.js';

const unsigned = (claims: Record<string, unknown>) =>
  `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

const ALICE_OID = '7e57a11c-0000-4000-8000-0000000a11ce';

/** An AzSessions.jl device code entry: no account key, as Julia writes it. */
function juliaEntry(idToken: string, token: string, refresh = '0.AAAA-refresh'): string {
  return JSON.stringify({
    protocol: 'AzDeviceCodeFlowCredentials', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', expiry: '2026-11-21T14:05:03.123',
    id_token: idToken, lock: false, refresh_token: refresh, scope: 'openid+offline_access+https://management.azure.com/user_impersonation',
    scope_auth: 'openid+offline_access+https://management.azure.com/user_impersonation', tenant: 'organizations', token,
  });
}

function parse(text: string): Session[] {
  const result = parseSessionsDocument(text);
  assert.ok(result.ok);
  return result.doc.sessions;
}

test('AzSessions.jl entries: the account comes from a v2 id_token, else from a v1 access token, and is written back', () => {
  const v2 = juliaEntry(unsigned({ preferred_username: 'alice@contoso.com', oid: ALICE_OID, tid: 't' }), unsigned({ aud: 'https://management.azure.com' }));
  // ARM and AKS tokens are v1 in Entra: upn / unique_name, oid.
  const v1 = juliaEntry('', unsigned({ aud: 'https://management.core.windows.net/', upn: 'bob@contoso.com', unique_name: 'bob@contoso.com', oid: 'b0b' }), '0.b');
  const guest = juliaEntry('', unsigned({ unique_name: 'live.com#carol@example.com', oid: 'ca201' }), '0.c');
  const sessions = parse(JSON.stringify({ sessions: [v2, v1, guest] }));
  assert.deepEqual(sessions.map((s) => [s.account, s.accountOid]), [['alice@contoso.com', ALICE_OID], ['bob@contoso.com', 'b0b'], ['carol@example.com', 'ca201']]);
  const doc = parseSessionsDocument(JSON.stringify({ sessions: [v2, v1, guest] }));
  assert.ok(doc.ok);
  const written = JSON.parse(formatSessionsDocument(doc.doc)) as { sessions: string[] };
  assert.equal(written.sessions.length, 3, 'three people: no entry replaced another');
  for (const text of written.sessions) {
    const entry = JSON.parse(text) as Record<string, unknown>;
    for (const key of requiredKeys('AzDeviceCodeFlowCredentials')) assert.ok(key in entry, `Julia's ${key} stays`);
    assert.equal(typeof entry.account, 'string');
    assert.equal(typeof entry.account_oid, 'string');
  }
});

test('entries of the same account are duplicates; of two accounts, or one unknown, they are not', () => {
  const [alice, alsoAlice, bob, unknown] = parse(
    JSON.stringify({
      sessions: [
        juliaEntry(unsigned({ preferred_username: 'alice@contoso.com', oid: ALICE_OID }), 'opaque'),
        juliaEntry(unsigned({ preferred_username: 'ALICE@contoso.com', oid: ALICE_OID }), 'opaque', 'old'),
        juliaEntry(unsigned({ preferred_username: 'bob@contoso.com', oid: 'b0b' }), 'opaque'),
        juliaEntry(unsigned({ aud: 'x' }), 'opaque'),
      ],
    }),
  );
  assert.ok(sameSession(alice!, alsoAlice!));
  assert.ok(!sameSession(alice!, bob!));
  assert.ok(!sameSession(alice!, unknown!));
});

test('accounts match by object id first, so a renamed UPN still matches; --account takes a UPN or an object id', () => {
  assert.ok(sameAccount({ upn: 'old@contoso.com', oid: ALICE_OID }, { upn: 'new@contoso.com', oid: ALICE_OID }));
  assert.ok(!sameAccount({ upn: 'alice@contoso.com', oid: ALICE_OID }, { upn: 'alice@contoso.com', oid: 'another' }));
  assert.ok(sameAccount(selectorAccount(ALICE_OID.toUpperCase()), { upn: 'x', oid: ALICE_OID }));
  assert.ok(sameAccount(selectorAccount('Alice@Contoso.com'), { upn: 'alice@contoso.com', oid: ALICE_OID }));
  assert.ok(!sameAccount(selectorAccount('alice@contoso.com'), {}));
  assert.deepEqual(accountFromTokens('', 'not a jwt'), {});
});

test('the default account is the last to sign in for the app and tenant, not the last refreshed', () => {
  const base = { protocol: 'AzDeviceCodeFlowCredentials', clientId: 'c', tenant: 't' };
  const sessions = [
    { ...base, account: 'alice', signedIn: new Date(1000) }, // refreshed last: first in the file
    { ...base, account: 'bob', signedIn: new Date(2000) },
    { ...base, tenant: 'other', account: 'carol', signedIn: new Date(3000) },
  ];
  const query = { ...base, authority: 'https://login.microsoftonline.com' };
  assert.deepEqual(defaultAccount(sessions, query), { upn: 'bob' });
  assert.deepEqual(defaultAccount(sessions, { ...query, tenant: 'nobody-here' }), { upn: 'carol' });
  assert.equal(defaultAccount(sessions, { ...query, clientId: 'another app' }), undefined);
});

test('refusal table: only a dead refresh token is dropped; per-resource refusals keep it', () => {
  const refusal = (error: string, codes: number[]) =>
    new OAuthError('m', { error, description: codes.length ? `AADSTS${codes[0]}: reason.` : 'reason', codes }, {}).refusal;
  for (const code of [70008, 70043, 700082, 700084, 50173, 54005, 9002313]) assert.equal(refusal('invalid_grant', [code]), 'dead', String(code));
  assert.equal(refusal('invalid_grant', []), 'dead', 'invalid_grant with no code on the token sent');
  for (const code of [50076, 50079, 50078, 50058, 65001, 50158, 50097]) assert.equal(refusal('invalid_grant', [code]), 'interaction', String(code));
  for (const code of [53000, 53001, 53002, 53003, 530032]) assert.equal(refusal('invalid_grant', [code]), 'blocked', String(code));
  assert.equal(refusal('invalid_resource', [500011]), 'unknown-resource');
  assert.equal(refusal('invalid_grant', [500011]), 'unknown-resource');
  assert.equal(refusal('invalid_client', [7000215]), 'other');
});

test("a guest's home object id matches it in a tenant that knows it by another, and is kept in sessions.json", () => {
  const home = '7e57e514-0000-4000-8000-0000000e514e';
  const guest = '7e57e514-0000-4000-8000-00000e514e57';
  const moved = { upn: 'erin@contoso.com', oid: guest, homeOid: home };
  assert.ok(sameAccount(selectorAccount(home), moved));
  assert.ok(sameAccount(selectorAccount(guest.toUpperCase()), moved));
  assert.ok(sameAccount({ upn: 'erin@contoso.com', oid: home }, moved), 'the home session and the moved one are one person');
  assert.ok(!sameAccount(selectorAccount('7e57b0b0-0000-4000-8000-000000000b0b'), moved));
  const [stored] = parse(JSON.stringify({ sessions: [juliaEntry('', unsigned({ upn: 'erin@contoso.com', oid: guest }))] }));
  const doc = parseSessionsDocument(JSON.stringify({ sessions: [] }));
  assert.ok(doc.ok);
  const text = formatSessionsDocument({ ...doc.doc, sessions: [{ ...stored!, accountHomeOid: home }] });
  assert.equal(parse(text)[0]!.accountHomeOid, home);
});
