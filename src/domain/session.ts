import { accountOf, sameAccount, servesTenant, type AccountRef } from './accounts.js';
import { clouds, sameAuthority } from './authority.js';
import { decodeClaims } from './jwt.js';
import { isUserProtocol, keepsRedirectUri, kindOf, type ProtocolName } from './protocol-names.js';
import { audienceMatches, sameResource, sameScopeKeys } from './resource-id.js';
import { resourceOfScopes } from './scopes.js';

/**
 * One stored session: a token and what it takes to get the next one. Field names are azsess's;
 * `store/codec.ts` maps them to the keys AzSessions.jl reads and writes.
 */
export interface Session {
  protocol: ProtocolName;
  /** Empty for managed identity (AzSessions.jl stores no client for it). */
  clientId: string;
  tenant: string;
  token: string;
  expiry: Date;
  refreshToken: string;
  idToken: string;
  /** What the token was asked for (user protocols), with `openid` and `offline_access`. */
  scope: string[];
  /** What was consented at sign-in, so later audiences need no new sign-in. */
  scopeAuth: string[];
  /** Auth code flow only: the redirect URI as configured (not the port actually used). */
  redirectUri: string;
  /** Client credentials and managed identity: the resource the token is for. */
  resource: string;
  /** Kept only when an AzSessions.jl user stored it there; azsess itself writes "". */
  clientSecret: string;
  /** AzSessions.jl's in-process flag; carried through unchanged. */
  lock: boolean;
  /** Authority host URL, e.g. https://login.microsoftonline.com; absent means that default. */
  authority?: string;
  /** The signed-in account's UPN: user sessions of different accounts never replace each other. */
  account?: string;
  /** The signed-in account's object id, so that a renamed UPN still matches. */
  accountOid?: string;
  /** A guest's object id at the tenant where it signed in, when this tenant knows it by `accountOid`. */
  accountHomeOid?: string;
  /** When the account signed in (carried by refreshes): the most recent is the default account. */
  signedIn?: Date;
  /**
   * The `aud` of the token when azsess stored it for this session's resource: Entra names some
   * resources by app id (Graph `00000003-...`), so `aud` alone cannot say what the token is for.
   */
  tokenAudience?: string;
  /** azsess settings of a session that AzSessions.jl has no key for (managed identity id, ...). */
  options?: Record<string, string>;
  /** Keys neither azsess nor AzSessions.jl knows; written back as found. */
  extra: Record<string, unknown>;
}

/** What a command is looking for in the store. */
export interface SessionQuery {
  protocol: ProtocolName;
  clientId: string;
  tenant: string;
  authority: string;
  /** Normalised scope list (user protocols). */
  scope: string[];
  /** Resource (client credentials, managed identity). */
  resource: string;
  options?: Record<string, string>;
  /** Auth code flow: the redirect URI the session is for (unset: AzSessions.jl's default). */
  redirectUri?: string;
  /** `--account` or AZSESS_ACCOUNT as given (a UPN or an object id). */
  accountSelector?: string;
  /** User protocols: the account whose sessions answer (accounts.ts's wantedAccount); unset: any. */
  account?: AccountRef;
}

export const defaultAuthority: string = clouds.public;

/** AzSessions.jl's redirect URI for the auth code flow. */
export const defaultRedirectUri = 'http://localhost:44300/reply';

/** AzSessions.jl tells auth code sessions apart by redirect URI too; empty means its default. */
function sameRedirectUri(a: string | undefined, b: string | undefined): boolean {
  const norm = (v: string | undefined) => {
    const uri = v || defaultRedirectUri;
    try {
      return new URL(uri).href;
    } catch {
      return uri;
    }
  };
  return norm(a) === norm(b);
}

function sameOptions(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const left = Object.entries(a ?? {}).filter(([, v]) => v !== '');
  const right = b ?? {};
  return left.length === Object.values(right).filter((v) => v !== '').length && left.every(([k, v]) => right[k] === v);
}

/** The session the query asks for; tenant and client ids compare without case, as Entra does. */
export function sessionMatches(session: Session, query: SessionQuery): boolean {
  if (session.protocol !== query.protocol || !sameAuthority(session.authority, query.authority)) return false;
  if (kindOf(session.protocol) === 'vm') {
    return sameResource(session.resource, query.resource) && sameOptions(session.options, query.options);
  }
  if (session.clientId.toLowerCase() !== query.clientId.toLowerCase()) return false;
  if (session.tenant.toLowerCase() !== query.tenant.toLowerCase()) return false;
  if (keepsRedirectUri(session.protocol) && !sameRedirectUri(session.redirectUri, query.redirectUri)) return false;
  // Options tell apart sessions of the same scopes, e.g. CAE (`cae: 1`) from the others.
  if (isUserProtocol(session.protocol)) {
    if (query.account && !sameAccount(accountOf(session), query.account)) return false;
    // Every spelling of one resource is one session (resource-id.ts).
    return sameScopeKeys(session.scope, query.scope) && sameOptions(session.options, query.options);
  }
  return sameResource(session.resource, query.resource) && sameOptions(session.options, query.options);
}

/**
 * Another session of the same account, app and authority whose refresh token can be redeemed for
 * the query (AzSessions.jl's "new audience"); at another tenant too when the query names a tenant,
 * since a refresh token is not bound to one. A refresh token is never redeemed for another account.
 */
export function canRefreshFor(session: Session, query: SessionQuery): boolean {
  return (
    session.protocol === query.protocol &&
    isUserProtocol(session.protocol) &&
    sameAuthority(session.authority, query.authority) &&
    session.clientId.toLowerCase() === query.clientId.toLowerCase() &&
    servesTenant(session.tenant, query.tenant) &&
    query.account !== undefined &&
    sameAccount(accountOf(session), query.account) &&
    session.refreshToken !== ''
  );
}

/** The sessions whose refresh token may serve the query: its own first, then the same tenant's, then others'. */
export function refreshCandidates(sessions: readonly Session[], query: SessionQuery, own: Session | undefined): Session[] {
  const others = sessions.filter((s) => s !== own && canRefreshFor(s, query));
  const sameTenant = (s: Session) => s.tenant.toLowerCase() === query.tenant.toLowerCase();
  return [...(own && own.refreshToken !== '' ? [own] : []), ...others.filter(sameTenant), ...others.filter((s) => !sameTenant(s))];
}

/** Two stored sessions are duplicates when each would answer the other's query. */
export function sameSession(a: Session, b: Session): boolean {
  return sessionMatches(a, {
    protocol: b.protocol,
    clientId: b.clientId,
    tenant: b.tenant,
    authority: b.authority ?? defaultAuthority,
    scope: b.scope,
    resource: b.resource,
    ...(b.options ? { options: b.options } : {}),
    redirectUri: b.redirectUri,
    account: accountOf(b),
  });
}

/** The resource a session's token is for. */
export function resourceOf(session: Pick<Session, 'protocol' | 'scope' | 'resource'>): string | undefined {
  return isUserProtocol(session.protocol) ? resourceOfScopes(session.scope) : session.resource || undefined;
}

/**
 * A cached token is usable when it stays valid for `offsetSeconds` more and, if it is a JWT, its
 * `aud` matches the session's resource (AzSessions.jl checks the same).
 */
export function hasValidToken(session: Session, now: Date, offsetSeconds: number): boolean {
  if (session.token === '') return false;
  if (session.expiry.getTime() - now.getTime() < offsetSeconds * 1000) return false;
  const resource = resourceOf(session);
  const claims = decodeClaims(session.token);
  if (!resource || !claims || claims.aud === undefined) return true;
  // Stored by azsess for this resource: valid whatever Entra calls the audience (an app id).
  if (session.tokenAudience !== undefined && sameAudienceClaim(claims.aud, session.tokenAudience)) return true;
  return audienceMatches(claims.aud, resource);
}

/** An `aud` claim as text, to record and compare (it may be a list). */
export function audienceText(aud: string | string[] | undefined): string | undefined {
  return aud === undefined ? undefined : Array.isArray(aud) ? aud.join(' ') : aud;
}

function sameAudienceClaim(aud: string | string[], recorded: string): boolean {
  return audienceText(aud) === recorded;
}
