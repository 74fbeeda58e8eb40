import { accountFromTokens } from '../domain/accounts.js';
import { isUserProtocol, lookupProtocol, protocolOf, type ProtocolName } from '../domain/protocol-names.js';
import { rememberSecret } from '../domain/redact.js';
import { joinScopes, splitScopes } from '../domain/scopes.js';
import type { Session } from '../domain/session.js';

/**
 * AzSessions.jl's session entries <-> Session. The Julia reader needs, per protocol, every key
 * its row of the protocol table stores (domain/protocol-table.ts) with the same JSON type (strings, and a boolean
 * `lock`); it ignores extra keys, which is where azsess keeps what it adds (`authority`,
 * `account`, `azsess_options`).
 */

const known = new Set([
  'protocol', 'protocal', 'client_id', 'client_secret', 'expiry', 'id_token', 'lock', 'redirect_uri',
  'refresh_token', 'resource', 'scope', 'scope_auth', 'tenant', 'token', 'authority', 'account', 'account_oid', 'account_home_oid',
  'signed_in', 'token_aud', 'azsess_options',
]);

/** The Julia reader's key list for a protocol (used by the compatibility tests too). */
export function requiredKeys(protocol: ProtocolName): readonly string[] {
  return protocolOf(protocol).storedKeys;
}

const naiveUtc = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Julia's `DateTime` text: UTC without a zone, any number of fraction digits (an ISO offset or Z is accepted too). */
export function parseExpiry(text: string): Date | undefined {
  const m = naiveUtc.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  const ms = Math.floor(Number(`0.${frac || '0'}`) * 1000);
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** As Julia prints a DateTime: milliseconds at most, trailing zeros dropped, no zone. */
export function formatExpiry(date: Date): string {
  const iso = date.toISOString(); // 2026-11-21T14:05:03.120Z
  const [base, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed ? `${base}.${trimmed}` : base!;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * One entry (already parsed from its JSON string) to a Session; undefined when its protocol is
 * not one azsess knows, so the caller can keep it as found.
 */
export function decodeSession(entry: Record<string, unknown>): Session | undefined {
  const protocol = lookupProtocol(str(entry.protocol ?? entry.protocal));
  if (!protocol) return undefined;
  const extra: Record<string, unknown> = {};
  // Plain loops and calls on the cache-hit path: see parseSessionsDocument.
  for (const k in entry) if (!known.has(k)) extra[k] = entry[k];
  const options = stringRecord(entry.azsess_options);
  const session: Session = {
    protocol,
    clientId: str(entry.client_id),
    tenant: str(entry.tenant),
    token: str(entry.token),
    // An unreadable expiry only costs a refresh.
    expiry: parseExpiry(str(entry.expiry)) ?? new Date(0),
    refreshToken: str(entry.refresh_token),
    idToken: str(entry.id_token),
    scope: splitScopes(str(entry.scope)),
    scopeAuth: splitScopes(str(entry.scope_auth)),
    redirectUri: str(entry.redirect_uri),
    resource: str(entry.resource),
    clientSecret: str(entry.client_secret),
    lock: entry.lock === true,
    extra,
  };
  // Stored secrets join the redaction list too, should a message ever quote one by mistake.
  rememberSecret(session.token);
  rememberSecret(session.refreshToken);
  rememberSecret(session.idToken);
  rememberSecret(session.clientSecret);
  if (typeof entry.authority === 'string' && entry.authority) session.authority = entry.authority;
  if (options && Object.keys(options).length > 0) session.options = options;
  if (typeof entry.token_aud === 'string') session.tokenAudience = entry.token_aud;
  const signedIn = typeof entry.signed_in === 'string' ? parseExpiry(entry.signed_in) : undefined;
  if (signedIn) session.signedIn = signedIn;
  decodeAccount(session, entry);
  return session;
}

/**
 * The account of a session: azsess's keys, else (AzSessions.jl writes none) the claims of its ID
 * token or access token; written back as `account` and `account_oid` with the next change.
 */
function decodeAccount(session: Session, entry: Record<string, unknown>): void {
  const stored = { upn: typeof entry.account === 'string' ? entry.account : '', oid: typeof entry.account_oid === 'string' ? entry.account_oid : '' };
  const derived = isUserProtocol(session.protocol) && (!stored.upn || !stored.oid) ? accountFromTokens(session.idToken, session.token) : {};
  const upn = stored.upn || derived.upn;
  const oid = stored.oid || derived.oid;
  if (upn) session.account = upn;
  if (oid) session.accountOid = oid;
  if (typeof entry.account_home_oid === 'string' && entry.account_home_oid) session.accountHomeOid = entry.account_home_oid;
}

function juliaValue(session: Session, key: string): unknown {
  switch (key) {
    case 'protocol': return session.protocol;
    case 'client_id': return session.clientId;
    case 'client_secret': return session.clientSecret;
    case 'expiry': return formatExpiry(session.expiry);
    case 'id_token': return session.idToken;
    case 'lock': return session.lock;
    case 'redirect_uri': return session.redirectUri;
    case 'refresh_token': return session.refreshToken;
    case 'resource': return session.resource;
    case 'scope': return joinScopes(session.scope);
    case 'scope_auth': return joinScopes(session.scopeAuth);
    case 'tenant': return session.tenant;
    case 'token': return session.token;
    default: return undefined;
  }
}

/** A Session as an entry object, keys in the Julia struct's order, then azsess's own. */
export function encodeSession(session: Session): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const key of requiredKeys(session.protocol)) entry[key] = juliaValue(session, key);
  if (session.authority) entry.authority = session.authority;
  if (session.account) entry.account = session.account;
  if (session.accountOid) entry.account_oid = session.accountOid;
  if (session.accountHomeOid) entry.account_home_oid = session.accountHomeOid;
  if (session.signedIn) entry.signed_in = formatExpiry(session.signedIn);
  if (session.tokenAudience !== undefined) entry.token_aud = session.tokenAudience;
  if (session.options && Object.keys(session.options).length > 0) entry.azsess_options = session.options;
  return { ...entry, ...session.extra };
}
