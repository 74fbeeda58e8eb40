import { accountOf, forAccount, sameAccount, selectorAccount, type AccountRef } from '../domain/accounts.js';
import { isUserProtocol, type ProtocolName } from '../domain/protocol-names.js';
import { resourceOfScope } from '../domain/scopes.js';
import { sameResource, scopeKey } from '../domain/resource-id.js';
import { resourceOf, sessionMatches, type Session, type SessionQuery } from '../domain/session.js';
import { readManifest, type Manifest } from '../store/manifest.js';
import { updateManifest } from '../store/manifest-write.js';
import { isPersonal, registryTokensOf, setRegistryTokens, type RegistryToken } from '../store/registries.js';
import type { SessionsDocument } from '../store/sessions-document.js';
import { KeychainError } from '../store/keychain.js';
import { readSessions, readSessionsAsStored, type StoreOptions } from '../store/sessions.js';
import { updateSessions } from '../store/sessions-lock.js';

/** What store calls need: where the home is, how long to wait, where to speak. */
export interface AdminOptions extends StoreOptions {
  home: string;
}

/** Which sessions `clear-cache` removes: all given parts must match; no parts match every session. */
export interface SessionSelector {
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  /** A session matches if it is for the resource of any of these scopes. */
  scopes?: string[];
  /** Only this account's user sessions (a UPN or an object id). */
  account?: string;
}

export function selectorMatches(session: Session, selector: SessionSelector): boolean {
  if (selector.protocol && session.protocol !== selector.protocol) return false;
  if (selector.tenant && session.tenant.toLowerCase() !== selector.tenant.toLowerCase()) return false;
  if (selector.clientId && session.clientId.toLowerCase() !== selector.clientId.toLowerCase()) return false;
  if (selector.account && !(isUserProtocol(session.protocol) && sameAccount(accountOf(session), selectorAccount(selector.account)))) return false;
  if (selector.scopes && selector.scopes.length > 0) {
    const resource = resourceOf(session);
    // The whole app ID decides (resource-id.ts): orders/.default never removes payroll's session.
    // A resource given as it is (api://contoso.example/orders) names its own sessions too.
    const stored = session.scope.map(scopeKey);
    const forResource = (scope: string) =>
      resource !== undefined && (sameResource(resourceOfScope(scope) ?? scope, resource) || sameResource(scope, resource));
    const matched = selector.scopes.some((scope) => stored.includes(scopeKey(scope)) || forResource(scope));
    if (!matched) return false;
  }
  return true;
}

/** Removes the matching sessions from the document; returns how many. */
export function removeMatching(doc: SessionsDocument, selector: SessionSelector): number {
  const before = doc.sessions.length;
  doc.sessions = doc.sessions.filter((s) => !selectorMatches(s, selector));
  return before - doc.sessions.length;
}

export interface ScrubReport {
  sessions: number;
  fields: Record<'token' | 'refresh_token' | 'id_token' | 'client_secret', number>;
  /** Cached registry tokens blanked. */
  registries: number;
}

/**
 * Blanks every token and secret but keeps the entries (AzSessions.jl's `scrub!`), so a session
 * file can be shared or attached to a bug report.
 */
export function scrubDocument(doc: SessionsDocument): ScrubReport {
  const report: ScrubReport = { sessions: 0, fields: { token: 0, refresh_token: 0, id_token: 0, client_secret: 0 }, registries: 0 };
  for (const session of doc.sessions) {
    let touched = false;
    const blank = (field: 'token' | 'refreshToken' | 'idToken' | 'clientSecret', name: keyof ScrubReport['fields']) => {
      if (session[field] !== '') {
        session[field] = '';
        report.fields[name] += 1;
        touched = true;
      }
    };
    blank('token', 'token');
    blank('refreshToken', 'refresh_token');
    blank('idToken', 'id_token');
    blank('clientSecret', 'client_secret');
    if (touched) report.sessions += 1;
  }
  doc.kept = doc.kept.map((entry) => scrubKeptEntry(entry, report));
  const registries = registryTokensOf(doc);
  report.registries = registries.filter((t) => t.refreshToken !== '').length;
  if (report.registries > 0) setRegistryTokens(doc, registries.map((t) => ({ ...t, refreshToken: '' })));
  return report;
}

const secretKeys = ['token', 'refresh_token', 'id_token', 'client_secret'] as const;

/** Entries of protocols azsess does not know may hold secrets under the same keys. */
function scrubKeptEntry(entry: unknown, report: ScrubReport): unknown {
  const asString = typeof entry === 'string';
  let object: unknown = entry;
  if (asString) {
    try {
      object = JSON.parse(entry);
    } catch {
      return entry;
    }
  }
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return entry;
  const record = { ...(object as Record<string, unknown>) };
  let touched = false;
  for (const key of secretKeys) {
    if (typeof record[key] === 'string' && record[key] !== '') {
      record[key] = '';
      report.fields[key] += 1;
      touched = true;
    }
  }
  if (!touched) return entry;
  report.sessions += 1;
  return asString ? JSON.stringify(record) : record;
}

/** `azsess clear-cache`: removes the matching sessions; a broken cache is moved aside first. */
export async function clearSessions(selector: SessionSelector, options: AdminOptions): Promise<number> {
  let removed = 0;
  await updateSessions(options.home, options, (doc) => {
    removed = removeMatching(doc, selector);
  });
  return removed;
}

function isEmptySelector(selector: SessionSelector): boolean {
  return !selector.protocol && !selector.tenant && !selector.clientId && !selector.scopes?.length && !selector.account;
}

/**
 * `azsess clear-cache`: removes the matching sessions and the registry tokens that stood for them;
 * a broken cache is moved aside first.
 */
export async function clearCache(selector: SessionSelector, options: AdminOptions): Promise<{ sessions: number; registries: number }> {
  const removed = { sessions: 0, registries: 0 };
  await updateSessions(options.home, options, (doc) => {
    removed.sessions = removeMatching(doc, selector);
    removed.registries = removeOutlivedRegistryTokens(doc, selector);
  });
  return removed;
}

/**
 * Without a selector, every registry token goes. With one, a person's goes when the selector names
 * that person or no session of theirs is left: a registry token never outlives the sessions of the
 * person whose Entra token it was exchanged for. An app's stays (it names no person).
 */
function removeOutlivedRegistryTokens(doc: SessionsDocument, selector: SessionSelector): number {
  const tokens = registryTokensOf(doc);
  const named = selector.account ? selectorAccount(selector.account) : undefined;
  const hasSessions = (account: AccountRef) => doc.sessions.some((s) => isUserProtocol(s.protocol) && sameAccount(accountOf(s), account));
  const goes = (t: RegistryToken) =>
    isEmptySelector(selector) || (isPersonal(t) && ((named !== undefined && sameAccount(t.account, named)) || !hasSessions(t.account)));
  const kept = tokens.filter((t) => !goes(t));
  if (kept.length !== tokens.length) setRegistryTokens(doc, kept);
  return tokens.length - kept.length;
}

/**
 * Drops the access token of the sessions a query matches and keeps their refresh tokens, so the
 * next request refreshes (a git server refused the token: `git-credential erase`).
 */
export async function forgetAccessToken(query: SessionQuery, options: AdminOptions): Promise<number> {
  let dropped = 0;
  await updateSessions(options.home, options, (doc) => {
    const wanted = forAccount(query, doc.sessions);
    for (const session of doc.sessions) {
      if (!sessionMatches(session, wanted) || session.token === '') continue;
      session.token = '';
      // AzSessions.jl trusts the expiry alone: make it refresh too.
      session.expiry = new Date(0);
      dropped += 1;
    }
  });
  return dropped;
}

/** `azsess scrub`: blanks secrets in every session and, when asked, the manifest's client secret. */
export async function scrubSecrets(
  alsoManifest: boolean,
  options: AdminOptions,
): Promise<{ report: ScrubReport; manifestSecretBlanked: boolean }> {
  let report: ScrubReport | undefined;
  await updateSessions(options.home, options, (doc) => {
    report = scrubDocument(doc);
  });
  let manifestSecretBlanked = false;
  if (alsoManifest && readManifest(options.home)) {
    await updateManifest(
      options.home,
      (current) => {
        manifestSecretBlanked = current.client_secret !== '';
        return { ...current, client_secret: '' };
      },
      options,
    );
  }
  return { report: report!, manifestSecretBlanked };
}

/** Everything `azsess status` shows; reads only, takes no lock unless the cache is broken. */
export async function loadState(options: AdminOptions): Promise<{ manifest?: Manifest; doc: SessionsDocument }> {
  let manifest: Manifest | undefined;
  let doc: SessionsDocument;
  try {
    manifest = readManifest(options.home);
    doc = await readSessions(options.home, options);
  } catch (err) {
    if (!(err instanceof KeychainError)) throw err;
    // The sessions stay readable as stored: their accounts and expiries are not sealed.
    options.log.warn(`${err.message.replace(/\.$/, '')}; the sessions below are shown as stored, their secrets sealed.`);
    manifest = readManifest(options.home, false);
    doc = readSessionsAsStored(options.home);
  }
  return manifest ? { manifest, doc } : { doc };
}

export { updateManifest };
