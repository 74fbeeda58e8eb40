import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { clearCache, type SessionSelector } from '../../../src/core/admin.js';
import { silentLog } from '../../../src/domain/log.js';
import { identityKey } from '../../../src/core/registry-tokens.js';
import type { Session } from '../../../src/domain/session.js';
import { registryTokensOf, setRegistryTokens, type RegistryToken } from '../../../src/store/registries.js';
import { parseSessionsDocument } from '../../../src/store/sessions-document.js';
import { readSessions } from '../../../src/store/sessions.js';
import { updateSessions } from '../../../src/store/sessions-lock.js';
import { fixturesDir } from '../../support/paths.js';
import { makeTmpHome } from '../../support/tmp-home.js';

const alice = { upn: 'alice@contoso.example', oid: '11111111-1111-1111-1111-111111111111' };
const bob = { upn: 'bob@contoso.example', oid: '22222222-2222-2222-2222-222222222222' };

const identityOf = (s: Session) =>
  identityKey({ protocol: s.protocol, clientId: s.clientId, tenant: s.tenant, authority: 'https://login.microsoftonline.com', scope: [], resource: '' });

/** Alice's and Bob's device-code sessions and an app's (from AzSessions.jl's file), and a registry token of each, plus one stored before azsess kept accounts. */
function homeDocument(): { sessions: Session[]; registries: RegistryToken[] } {
  const parsed = parseSessionsDocument(readFileSync(join(fixturesDir, 'sessions.json'), 'utf8'));
  assert.ok(parsed.ok);
  const device = parsed.doc.sessions.find((s) => s.protocol === 'AzDeviceCodeFlowCredentials')!;
  const app = parsed.doc.sessions.find((s) => s.protocol === 'AzClientCredentials')!;
  const person = identityOf(device);
  const token = (server: string, identity: string, account: RegistryToken['account']): RegistryToken =>
    ({ server, username: 'u', refreshToken: `rt-${server}`, expiry: new Date('2030-01-01T00:00:00Z'), identity, account });
  return {
    sessions: [{ ...device, account: alice.upn, accountOid: alice.oid }, { ...device, account: bob.upn, accountOid: bob.oid }, app],
    registries: [
      token('alice.azurecr.io', person, alice),
      token('bob.azurecr.io', person, bob),
      token('app.azurecr.io', identityOf(app), {}),
      token('old.azurecr.io', person, {}),
    ],
  };
}

const cases: Array<{ name: string; selector: SessionSelector; sessions: number; kept: string[] }> = [
  { name: 'no selector: every registry token', selector: {}, sessions: 3, kept: [] },
  { name: "--account: that person's, by UPN", selector: { account: 'BOB@contoso.example' }, sessions: 1, kept: ['alice.azurecr.io', 'app.azurecr.io'] },
  { name: "--account: that person's, by object id", selector: { account: bob.oid }, sessions: 1, kept: ['alice.azurecr.io', 'app.azurecr.io'] },
  { name: "a selector that leaves people no session: theirs", selector: { protocol: 'AzDeviceCodeFlowCredentials' }, sessions: 2, kept: ['app.azurecr.io'] },
  { name: "an app's sessions: the people's and the app's stay, an account-less person's (no session stands for it) goes", selector: { protocol: 'AzClientCredentials' }, sessions: 1, kept: ['alice.azurecr.io', 'bob.azurecr.io', 'app.azurecr.io'] },
];

for (const c of cases) {
  test(`clear-cache removes the registry tokens of the sessions it removes: ${c.name}`, async () => {
    const tmp = makeTmpHome();
    after(() => tmp.cleanup());
    const store = { home: tmp.home, deadline: Date.now() + 30_000, log: silentLog };
    const { sessions, registries } = homeDocument();
    await updateSessions(tmp.home, store, (doc) => {
      doc.sessions = sessions;
      setRegistryTokens(doc, registries);
    });
    const removed = await clearCache(c.selector, store);
    const kept = registryTokensOf(await readSessions(tmp.home, store)).map((t) => t.server);
    assert.deepEqual(kept.sort(), [...c.kept].sort());
    assert.deepEqual(removed, { sessions: c.sessions, registries: registries.length - c.kept.length });
  });
}
