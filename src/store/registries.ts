import type { AccountRef } from '../domain/accounts.js';
import { isUserProtocol, lookupProtocol } from '../domain/protocol-names.js';
import { readSessions, type StoreOptions } from './sessions.js';
import { updateSessions } from './sessions-lock.js';
import type { SessionsDocument } from './sessions-document.js';

/**
 * A container registry's refresh token (an ACR refresh token from /oauth2/exchange), cached so
 * that a storm of pulls makes one exchange. Kept in sessions.json under `azsess.registries`,
 * keyed by the registry as docker names it (host[:port]); AzSessions.jl never sees it.
 */
export interface RegistryToken {
  server: string;
  username: string;
  refreshToken: string;
  expiry: Date;
  /** The Entra identity it was exchanged for (protocol, login host, tenant, client). */
  identity: string;
  /** The person whose Entra token was exchanged (none for an app or a managed identity). */
  account: AccountRef;
}

const extensionKey = 'registries';

/** Whether a person's Entra token was exchanged for it: its identity starts with a sign-in protocol. */
export function isPersonal(token: Pick<RegistryToken, 'identity'>): boolean {
  const protocol = lookupProtocol(token.identity.split(' ', 1)[0] ?? '');
  return protocol !== undefined && isUserProtocol(protocol);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The cached registry tokens of a document; malformed entries are skipped (and dropped on the next write). */
export function registryTokensOf(doc: SessionsDocument): RegistryToken[] {
  const raw = doc.extensions[extensionKey];
  if (!isRecord(raw)) return [];
  const out: RegistryToken[] = [];
  for (const [server, entry] of Object.entries(raw)) {
    if (!isRecord(entry)) continue;
    const expiry = new Date(typeof entry.expiry === 'string' ? entry.expiry : NaN);
    if (Number.isNaN(expiry.getTime())) continue;
    out.push({
      server,
      username: typeof entry.username === 'string' ? entry.username : '',
      refreshToken: typeof entry.refresh_token === 'string' ? entry.refresh_token : '',
      expiry,
      identity: typeof entry.identity === 'string' ? entry.identity : '',
      account: {
        ...(typeof entry.account === 'string' && entry.account ? { upn: entry.account } : {}),
        ...(typeof entry.account_oid === 'string' && entry.account_oid ? { oid: entry.account_oid } : {}),
      },
    });
  }
  return out;
}

/** Replaces the document's registry tokens; none removes the key. */
export function setRegistryTokens(doc: SessionsDocument, tokens: readonly RegistryToken[]): void {
  if (tokens.length === 0) {
    delete doc.extensions[extensionKey];
    return;
  }
  const entries: Record<string, unknown> = {};
  for (const t of tokens) {
    entries[t.server] = {
      username: t.username,
      refresh_token: t.refreshToken,
      expiry: t.expiry.toISOString(),
      identity: t.identity,
      ...(t.account.upn ? { account: t.account.upn } : {}),
      ...(t.account.oid ? { account_oid: t.account.oid } : {}),
    };
  }
  doc.extensions[extensionKey] = entries;
}

/** Lock-free read, as the cache-hit path of `azsess token`. */
export async function readRegistryTokens(home: string, options: StoreOptions): Promise<RegistryToken[]> {
  return registryTokensOf(await readSessions(home, options));
}

/** Removes the cached token of `server`; true when there was one. */
export async function removeRegistryToken(home: string, options: StoreOptions, server: string): Promise<boolean> {
  let removed = false;
  await updateSessions(home, options, (doc) => {
    const tokens = registryTokensOf(doc);
    const kept = tokens.filter((t) => t.server !== server);
    removed = kept.length !== tokens.length;
    if (removed) setRegistryTokens(doc, kept);
  });
  return removed;
}
