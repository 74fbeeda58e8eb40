import type { OAuthError } from '../oauth/token-response.js';
import { accountOf, describeAccount, sameAccount, selectorAccount, type AccountRef } from '../domain/accounts.js';
import { sameAuthority } from '../domain/authority.js';
import { AuthenticationError, InteractionRequiredError } from '../domain/errors.js';
import { isUserProtocol, shortProtocolName } from '../domain/protocol-names.js';
import { oidcScopes, resourceOfScopes } from '../domain/scopes.js';
import type { Session } from '../domain/session.js';
import { loginCommandFor, type TokenQuery } from './token-query.js';

/**
 * The sentences of a token command that cannot answer: Entra's refusal quoted (its code and
 * reason, no trace ids: --verbose shows those), then what to do (docs/exit-codes.md).
 */

function asked(query: TokenQuery): string {
  return query.scope.filter((s) => !oidcScopes.has(s)).join(' ');
}

function who(account: AccountRef | undefined): string {
  return account && (account.upn || account.oid) ? ` as ${describeAccount(account)}` : '';
}

/** "Entra ID refused a token for X as alice@...: AADSTS50076: reason (invalid_grant)". */
function quote(query: TokenQuery, refusal: OAuthError): string {
  return `Entra ID refused a token for ${asked(query)}${who(query.account)}: ${refusal.reason} (${refusal.entra.error})`;
}

/** What was dropped with a refusal: a refresh token Entra declared dead (nothing else ever is). */
function dropped(refusal: OAuthError): string {
  return refusal.refreshTokenIsDead ? '; that refresh token is no longer valid, so azsess dropped it' : '';
}

/** Why a sign-in starts after a refused refresh, said before the prompt. */
export function signInReason(query: TokenQuery, refusal: OAuthError): string {
  return `${quote(query, refusal)}${dropped(refusal)}; signing in again.`;
}

/** Refusals a new sign-in of this kind cannot fix: exit 4; undefined for the others. */
export function refusalFailure(query: TokenQuery, refusal: OAuthError): AuthenticationError | undefined {
  if (refusal.refusal === 'blocked') {
    return new AuthenticationError(
      `${quote(query, refusal)}; a new ${shortProtocolName(query.protocol)} sign-in cannot satisfy this Conditional Access policy: ` +
        'sign in with --protocol auth-code in a browser on a compliant or managed device, or ask your administrator which policy applies.',
      refusal.details,
    );
  }
  if (refusal.refusal === 'unknown-resource') {
    const resource = resourceOfScopes(query.scope) ?? asked(query);
    return new AuthenticationError(
      `${quote(query, refusal)}; check the resource ${resource} (--scope or --resource) and the tenant; the session and its refresh token are kept.`,
      refusal.details,
    );
  }
  return undefined;
}

/** Other sessions that could answer with other flags (another client id or tenant), as flags to add. */
function otherSessionsHint(sessions: readonly Session[], query: TokenQuery): string {
  const wanted = query.accountSelector ? selectorAccount(query.accountSelector) : undefined;
  const other = sessions.find(
    (s) =>
      s.protocol === query.protocol &&
      isUserProtocol(s.protocol) &&
      sameAuthority(s.authority, query.authority) &&
      s.refreshToken !== '' &&
      (!wanted || sameAccount(accountOf(s), wanted)) &&
      (s.clientId.toLowerCase() !== query.clientId.toLowerCase() || s.tenant.toLowerCase() !== query.tenant.toLowerCase()),
  );
  if (!other) return '';
  const flags = [
    other.clientId.toLowerCase() !== query.clientId.toLowerCase() ? `--client-id ${other.clientId}` : '',
    other.tenant.toLowerCase() !== query.tenant.toLowerCase() ? `--tenant ${other.tenant}` : '',
  ].filter(Boolean);
  return ` (a session of ${describeAccount(accountOf(other))} exists for client ${other.clientId} at tenant ${other.tenant}: add ${flags.join(' ')} to use it)`;
}

/** Exit 3: a sign-in is needed and nobody may be asked; the exact login command. */
export function signInNeeded(query: TokenQuery, sessions: readonly Session[], refusal: OAuthError | undefined, homeFlag?: string): InteractionRequiredError {
  const command = loginCommandFor(query, homeFlag);
  if (refusal) {
    return new InteractionRequiredError(`${quote(query, refusal)}${dropped(refusal)}; a new sign-in is needed, and it needs a person at a terminal; run: ${command}`);
  }
  const account = query.accountSelector ? ` of ${query.accountSelector}` : '';
  return new InteractionRequiredError(
    `No usable ${shortProtocolName(query.protocol)} session${account} for ${asked(query)}${otherSessionsHint(sessions, query)}, ` +
      `and signing in needs a person at a terminal; run: ${command}`,
  );
}
