import type { ProtocolDeps, TokenResult } from '../protocols/types.js';
import { OAuthError } from '../oauth/token-response.js';
import {
  updateSessions,
  withSessionsLock,
  type SessionsTransaction,
  type StoreOptions,
  watchSessions,
} from '../store/sessions.js';
import type { SessionsDocument } from '../store/sessions-document.js';
import { saveOrWarn } from '../store/storage-error.js';
import { acquireAppOnly, refreshFor, signInPerson, type SignInResult } from './acquire.js';
import { InteractionRequiredError } from './errors.js';
import { accountOf, decodeClaims } from './jwt.js';
import type { Log } from './log.js';
import { isUserProtocol, shortProtocolName } from './protocol-names.js';
import {
  defaultAuthority,
  hasValidToken,
  isSiblingSession,
  sameSession,
  sessionMatches,
  type Session,
} from './session.js';
import { loginCommandFor, type TokenQuery } from './token-query.js';

export interface EngineDeps {
  store: StoreOptions & { home: string };
  log: Log;
  now: () => Date;
  /** Builds the network side on first use (the cache-hit path never calls it). */
  network: () => Promise<ProtocolDeps>;
}

export interface TokenOptions {
  offsetSeconds: number;
  /** Whether a person may be asked to sign in (asked only when one is needed). */
  interactive: () => boolean;
  clearCache: boolean;
  /** --home as given, for the login command in messages. */
  homeFlag?: string;
}

/** The network side is built at most once per command, and only if a request is due. */
function withNetworkOnce(deps: EngineDeps): EngineDeps {
  let built: Promise<ProtocolDeps> | undefined;
  return { ...deps, network: () => (built ??= deps.network()) };
}

/** A session record for a fresh token. */
function sessionFrom(query: TokenQuery, token: TokenResult & { redirectUri?: string }, base?: Session): Session {
  const session: Session = {
    protocol: query.protocol,
    clientId: query.clientId,
    tenant: query.tenant,
    token: token.accessToken,
    expiry: token.expiresAt,
    refreshToken: token.refreshToken ?? '',
    idToken: token.idToken ?? base?.idToken ?? '',
    scope: isUserProtocol(query.protocol) ? query.scope : [],
    scopeAuth: isUserProtocol(query.protocol) ? (base?.scopeAuth.length ? base.scopeAuth : query.scopeAuth) : [],
    redirectUri: token.redirectUri ?? base?.redirectUri ?? query.redirectUri ?? '',
    resource: isUserProtocol(query.protocol) ? '' : query.resource,
    clientSecret: base?.clientSecret ?? '',
    lock: false,
    extra: base?.extra ?? {},
  };
  if (query.authority !== defaultAuthority && query.protocol !== 'AzVMCredentials') session.authority = query.authority;
  const account = accountOf(decodeClaims(token.idToken ?? '')) ?? accountOf(decodeClaims(token.accessToken)) ?? base?.account;
  if (account) session.account = account;
  if (query.options && Object.keys(query.options).length > 0) session.options = query.options;
  return session;
}

/** Replaces the session (and any duplicate of it) with `session`, newest first as AzSessions.jl keeps them. */
export function upsert(doc: SessionsDocument, session: Session): void {
  doc.sessions = [session, ...doc.sessions.filter((s) => !sameSession(s, session))];
}

function dropRefreshToken(doc: SessionsDocument, dead: Session): void {
  for (const s of doc.sessions) if (sameSession(s, dead) && s.refreshToken === dead.refreshToken) s.refreshToken = '';
}

/** `claims`: a claims request that Entra sent with its refusal, for the sign-in to ask for. */
type LockedOutcome = { session: Session } | { needsSignIn: true; claims?: string };

/** Under the lock: the cached token if another process just made one, else a refresh, else nothing. */
async function refreshUnderLock(query: TokenQuery, opts: TokenOptions, tx: SessionsTransaction, deps: EngineDeps): Promise<LockedOutcome> {
  const doc = tx.read();
  const now = deps.now();
  const own = doc.sessions.find((s) => sessionMatches(s, query));
  // A claims challenge means the cached token was refused by a resource: get another one.
  if (own && !query.claims && hasValidToken(own, now, opts.offsetSeconds)) return { session: own };
  if (!isUserProtocol(query.protocol)) {
    const fresh = sessionFrom(query, await acquireAppOnly(query, await deps.network()), own);
    await saveOrWarn(deps.log, () => tx.update((d) => upsert(d, fresh)));
    return { session: fresh };
  }
  const candidates = [own, ...doc.sessions.filter((s) => s !== own && isSiblingSession(s, query))].filter(
    (s): s is Session => s !== undefined && s.refreshToken !== '',
  );
  let claims: string | undefined;
  for (const candidate of candidates) {
    const used = candidate === own ? 'its refresh token' : `the refresh token of the ${candidate.scope.join(' ')} session`;
    deps.log.verbose(`Refreshing with ${used}.`);
    try {
      const token = await refreshFor(query, candidate.refreshToken, await deps.network());
      const fresh = sessionFrom(query, token, own);
      if (!own) {
        // A new audience: consented at the sibling's sign-in, by the same person.
        fresh.scopeAuth = candidate.scopeAuth.length ? candidate.scopeAuth : fresh.scopeAuth;
        if (!fresh.account && candidate.account) fresh.account = candidate.account;
      }
      await saveOrWarn(deps.log, () => tx.update((d) => upsert(d, fresh)));
      return { session: fresh };
    } catch (err) {
      if (!(err instanceof OAuthError) || !err.needsInteraction) throw err;
      deps.log.verbose(`The identity provider wants a new sign-in: ${err.message}`);
      claims = err.details.claims ?? claims;
      if (candidate === own || err.refreshTokenIsDead) await tx.update((d) => dropRefreshToken(d, candidate));
    }
  }
  return claims ? { needsSignIn: true, claims } : { needsSignIn: true };
}

/**
 * `azsess token`: the cached token, else a refresh made by exactly one of the processes that need
 * it (lock, read again, refresh only if still needed), else a sign-in when one is allowed. The lock
 * is never held while a person signs in.
 */
export async function acquireToken(query: TokenQuery, opts: TokenOptions, given: EngineDeps): Promise<Session> {
  const deps = withNetworkOnce(given);
  if (opts.clearCache) await clearMatching(query, deps);
  const changed = watchSessions(deps.store.home);
  const outcome = await withSessionsLock(deps.store.home, deps.store, (tx) => refreshUnderLock(query, opts, tx, deps), {
    // A herd: while one process refreshes under the lock, the others watch the file for its token.
    whileWaiting: () => {
      const doc = changed();
      const now = deps.now();
      const session = query.claims ? undefined : doc?.sessions.find((s) => sessionMatches(s, query) && hasValidToken(s, now, opts.offsetSeconds));
      return session ? { session } : undefined;
    },
  });
  if ('session' in outcome) return outcome.session;
  // Entra's own claims request, when its refusal carried one, is what the sign-in must satisfy.
  const signInQuery = outcome.claims ? { ...query, claims: outcome.claims } : query;
  if (!opts.interactive()) {
    throw new InteractionRequiredError(
      `No usable ${shortProtocolName(query.protocol)} session for ${query.scope.filter((s) => !['openid', 'offline_access'].includes(s)).join(' ')}, ` +
        `and signing in needs a person at a terminal; run: ${loginCommandFor(signInQuery, opts.homeFlag)}`,
    );
  }
  return signIn(signInQuery, deps, true);
}

/** `azsess login`: a sign-in (or, app-only, a token) now, recorded at the end under the lock. */
export async function login(query: TokenQuery, opts: Pick<TokenOptions, 'clearCache'>, given: EngineDeps): Promise<Session> {
  const deps = withNetworkOnce(given);
  if (opts.clearCache) await clearMatching(query, deps);
  if (!isUserProtocol(query.protocol)) {
    const net = await deps.network();
    const fresh = sessionFrom(query, await acquireAppOnly(query, net));
    await updateSessions(deps.store.home, deps.store, (d) => upsert(d, fresh));
    return fresh;
  }
  return signIn(query, deps);
}

/** `printsToken`: the command prints the token, so an unsaved one still serves (login saves only). */
async function signIn(query: TokenQuery, deps: EngineDeps, printsToken = false): Promise<Session> {
  const net = await deps.network();
  const token: SignInResult = await signInPerson(query, net);
  const fresh = sessionFrom(query, token);
  // A person may have outlasted the command's deadline: the write still gets time to take the lock.
  const store = { ...deps.store, deadline: Math.max(deps.store.deadline, deps.now().getTime() + 30_000) };
  const save = () => updateSessions(store.home, store, (d) => upsert(d, fresh));
  await (printsToken ? saveOrWarn(deps.log, save) : save());
  return fresh;
}

async function clearMatching(query: TokenQuery, deps: EngineDeps): Promise<void> {
  await updateSessions(deps.store.home, deps.store, (doc) => {
    doc.sessions = doc.sessions.filter((s) => !sessionMatches(s, query));
  });
}
