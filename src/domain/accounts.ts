import { sameAuthority } from './authority.js';
import { decodeClaims, type TokenClaims } from './jwt.js';
import { isUserProtocol } from './protocol-names.js';
import { isGuid, isMetaTenant } from './tenant.js';

/**
 * Who a user session belongs to: the UPN azsess shows and matches `--account` against, and the
 * object id, which stays when a UPN is renamed. Either may be unknown (an AzSessions.jl entry
 * whose tokens are opaque); sessions whose account is unknown are one "unknown" account.
 */
export interface AccountRef {
  upn?: string;
  oid?: string;
  /**
   * A guest's object id where it signed in (its home, as MSAL's home account id), kept when a refresh
   * moved the session to a tenant that knows the person by another object id.
   */
  homeOid?: string;
}

/** What account matching needs of a session (session.ts's Session has these fields). */
export interface AccountHolder {
  protocol: string;
  clientId: string;
  tenant: string;
  authority?: string;
  account?: string;
  accountOid?: string;
  accountHomeOid?: string;
  signedIn?: Date;
}

/** What picking an account needs of a query. */
export interface AccountQuery {
  protocol: string;
  clientId: string;
  tenant: string;
  authority: string;
  /** `--account` or AZSESS_ACCOUNT as given: a UPN or an object id. */
  accountSelector?: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The account of a token's claims: v2 tokens name it `preferred_username`, v1 tokens (ARM, AKS)
 * `upn` or `unique_name` (`live.com#x@y` for guests); both carry `oid`.
 */
export function accountFromClaims(claims: TokenClaims | undefined): AccountRef {
  const ref: AccountRef = {};
  const upn = text(claims?.preferred_username) ?? text(claims?.upn) ?? text(claims?.unique_name)?.replace(/^live\.com#/, '');
  const oid = text(claims?.oid);
  if (upn) ref.upn = upn;
  if (oid) ref.oid = oid;
  return ref;
}

/** The account of an ID token, else of the access token (AzSessions.jl entries often lack the first). */
export function accountFromTokens(idToken: string, accessToken: string): AccountRef {
  const fromId = accountFromClaims(decodeClaims(idToken));
  const fromAccess = accountFromClaims(decodeClaims(accessToken));
  const upn = fromId.upn ?? fromAccess.upn;
  const oid = fromId.oid ?? fromAccess.oid;
  return { ...(upn ? { upn } : {}), ...(oid ? { oid } : {}) };
}

export function accountOf(session: Pick<AccountHolder, 'account' | 'accountOid' | 'accountHomeOid'>): AccountRef {
  return {
    ...(session.account ? { upn: session.account } : {}),
    ...(session.accountOid ? { oid: session.accountOid } : {}),
    ...(session.accountHomeOid ? { homeOid: session.accountHomeOid } : {}),
  };
}

function objectIds(a: AccountRef): string[] {
  return [a.oid, a.homeOid].filter((id): id is string => id !== undefined).map((id) => id.toLowerCase());
}

/** `--account`: an object id is a GUID, anything else a UPN. */
export function selectorAccount(selector: string): AccountRef {
  return isGuid(selector) ? { oid: selector } : { upn: selector };
}

/** Names nobody: neither a UPN nor an object id. */
export function isUnknownAccount(a: AccountRef): boolean {
  return !a.upn && !a.oid;
}

/**
 * The same person: by object id when both have one (a renamed UPN still matches; a guest's id in
 * this tenant or at home), else by UPN.
 */
export function sameAccount(a: AccountRef, b: AccountRef): boolean {
  const aIds = objectIds(a);
  const bIds = objectIds(b);
  if (aIds.length > 0 && bIds.length > 0) return aIds.some((id) => bIds.includes(id));
  if (a.upn && b.upn) return a.upn.toLowerCase() === b.upn.toLowerCase();
  return isUnknownAccount(a) && isUnknownAccount(b);
}

/** How messages name an account. */
export function describeAccount(a: AccountRef): string {
  return a.upn ?? a.oid ?? 'an account azsess cannot name';
}

/** User sessions of the query's protocol, authority and client: the people who signed in to this app. */
export function sessionsOfApp<S extends AccountHolder>(sessions: readonly S[], query: AccountQuery): S[] {
  return sessions.filter(
    (s) =>
      isUserProtocol(s.protocol as never) &&
      s.protocol === query.protocol &&
      sameAuthority(s.authority, query.authority) &&
      s.clientId.toLowerCase() === query.clientId.toLowerCase(),
  );
}

/**
 * The default account: the one that signed in most recently for this authority, client and
 * tenant (else at any tenant). Sessions are stored newest first, which breaks ties and orders
 * entries written before azsess recorded sign-in times.
 */
export function defaultAccount<S extends AccountHolder>(sessions: readonly S[], query: AccountQuery): AccountRef | undefined {
  const app = sessionsOfApp(sessions, query);
  const here = app.filter((s) => s.tenant.toLowerCase() === query.tenant.toLowerCase());
  const pool = here.length > 0 ? here : app;
  let best: S | undefined;
  for (const s of pool) if (!best || (s.signedIn?.getTime() ?? 0) > (best.signedIn?.getTime() ?? 0)) best = s;
  return best ? accountOf(best) : undefined;
}

/** The account a query is for: the one `--account` names, else the default; undefined when nobody signed in. */
export function wantedAccount<S extends AccountHolder>(sessions: readonly S[], query: AccountQuery): AccountRef | undefined {
  return query.accountSelector ? selectorAccount(query.accountSelector) : defaultAccount(sessions, query);
}

/** The query with the account it is for (user protocols): `--account`'s, else the default account. */
export function forAccount<Q extends AccountQuery & { account?: AccountRef }, S extends AccountHolder>(query: Q, sessions: readonly S[]): Q {
  if (!isUserProtocol(query.protocol as never)) return query;
  const account = wantedAccount(sessions, query);
  return account ? { ...query, account } : query;
}

/** Every account that signed in to the app, once each, the default first. */
export function accountsOf<S extends AccountHolder>(sessions: readonly S[], query: AccountQuery): AccountRef[] {
  const out: AccountRef[] = [];
  const first = defaultAccount(sessions, query);
  if (first) out.push(first);
  for (const s of sessionsOfApp(sessions, query)) if (!out.some((a) => sameAccount(a, accountOf(s)))) out.push(accountOf(s));
  return out;
}

/** A session at one tenant may serve another named tenant (GUID or domain), as `az --tenant` does. */
export function servesTenant(sessionTenant: string, wanted: string): boolean {
  return sessionTenant.toLowerCase() === wanted.toLowerCase() || !isMetaTenant(wanted);
}
