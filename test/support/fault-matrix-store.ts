import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sameSession, type Session } from '../../src/domain/session.js';
import { setRegistryTokens } from '../../src/store/registries.js';
import { emptyDocument, formatSessionsDocument, parseSessionsDocument, type SessionsDocument } from '../../src/store/sessions-document.js';

/**
 * The store side of the fault matrix: a home seeded with a user's sessions before a cell runs,
 * and the check afterwards that none was lost or damaged.
 */

const hourAgo = () => new Date(Date.now() - 3600_000);
const secret = (what: string) => `${what}-${randomUUID()}`;

/** Sessions of other tenants, protocols and resources, which no cell may touch; random secrets. */
function bystanders(): Session[] {
  const base = { idToken: '', redirectUri: '', clientSecret: '', lock: false, extra: {} };
  return [
    {
      ...base, protocol: 'AzDeviceCodeFlowCredentials', clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', tenant: 'contoso.onmicrosoft.com',
      token: secret('bystander-token'), expiry: new Date(Date.now() + 3000_000), refreshToken: secret('bystander-refresh'),
      scope: ['openid', 'offline_access', 'https://storage.azure.com/user_impersonation'], scopeAuth: [], resource: '',
      account: 'carol@contoso.com', extra: { julia_only_key: 'kept as found' },
    },
    {
      ...base, protocol: 'AzClientCredentials', clientId: '11111111-2222-4333-8444-555555555555', tenant: 'fabrikam.onmicrosoft.com',
      token: secret('bystander-app-token'), expiry: hourAgo(), refreshToken: '', scope: [], scopeAuth: [], resource: 'https://vault.azure.net',
    },
    {
      ...base, protocol: 'AzVMCredentials', clientId: '', tenant: '', token: secret('bystander-vm-token'), expiry: hourAgo(),
      refreshToken: '', scope: [], scopeAuth: [], resource: 'https://storage.azure.com/',
    },
  ];
}

export interface SeededHome {
  /** sessions.json as written. */
  text: string;
  /** Every secret in it, for the leak check. */
  secrets: string[];
  inFlight: Session[];
}

/**
 * Writes sessions.json: `inFlight` (what the cell's command may replace), `kept` (sessions it uses
 * as they are), the bystanders, a registry token and unknown keys.
 */
export function seedHome(home: string, inFlight: Session[], kept: Session[] = []): SeededHome {
  const doc: SessionsDocument = emptyDocument();
  doc.sessions = [...inFlight, ...kept, ...bystanders()];
  doc.kept = [JSON.stringify({ protocol: 'AzFutureCredentials', token: secret('future-token') })];
  doc.otherKeys = { written_by: 'AzSessions.jl 2.x' };
  const registryToken = secret('bystander-acr-refresh');
  setRegistryTokens(doc, [{ server: 'bystander.azurecr.io', username: '00000000-0000-0000-0000-000000000000', refreshToken: registryToken, expiry: new Date(Date.now() + 3 * 3600_000), identity: 'AzClientCredentials https://login.microsoftonline.com fabrikam x', account: {} }]);
  const text = formatSessionsDocument(doc);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'sessions.json'), text, { mode: 0o600 });
  const secrets = [...doc.sessions.flatMap((s) => [s.token, s.refreshToken]), registryToken, ...text.match(/future-token-[0-9a-f-]+/g)!].filter((v) => v.length > 0);
  return { text, secrets, inFlight };
}

function parse(text: string): SessionsDocument {
  const result = parseSessionsDocument(text);
  assert.ok(result.ok, `sessions.json is still valid (${result.ok ? '' : result.problem})`);
  return result.doc;
}

/**
 * Nothing stored was lost or damaged: after a failure the file is byte for byte what was seeded
 * (and nothing else is left in the home: no lock, no temporary file); after a recovery only the
 * session in flight changed, to a newer one, and everything else reads back as seeded.
 */
export function assertStoreKept(home: string, seeded: SeededHome, recovered: boolean): void {
  assert.deepEqual(readdirSync(home).sort(), ['sessions.json'], 'no lock, temporary or moved-aside file is left');
  const text = readFileSync(join(home, 'sessions.json'), 'utf8');
  if (!recovered) {
    assert.equal(text, seeded.text, 'a failure leaves sessions.json as it was');
    return;
  }
  const before = parse(seeded.text);
  const after = parse(text);
  assert.deepEqual([after.kept, after.otherKeys], [before.kept, before.otherKeys], 'unknown entries and keys are kept');
  const registries = after.extensions.registries as Record<string, unknown> | undefined;
  assert.deepEqual(registries?.['bystander.azurecr.io'], (before.extensions.registries as Record<string, unknown>)['bystander.azurecr.io']);
  for (const old of before.sessions) {
    const now = after.sessions.filter((s) => sameSession(s, old));
    assert.equal(now.length, 1, `the ${old.protocol} session of ${old.tenant || old.resource} is still there, once`);
    const inFlight = seeded.inFlight.some((s) => sameSession(s, old));
    if (!inFlight) assert.deepEqual(now[0], old, 'a session not in flight is unchanged');
    else assert.ok(now[0]!.expiry > old.expiry && now[0]!.token !== old.token, 'the session in flight was replaced by a newer one');
  }
}
