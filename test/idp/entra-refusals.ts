import type { TestUser } from './constants.js';
import { EntraError, entraErrors } from './entra-errors.js';
import { findResource, type KnownResource } from './entra-resources.js';

/**
 * Per-resource refusals of the refresh grant, as Entra gives them when a policy or a missing
 * consent concerns one resource: the refresh token stays good for every other resource.
 */
export type RefusalCode = number;

export interface RefreshRefusal {
  /** The resource refused, in any spelling Entra accepts (`https://vault.azure.net`, an app id). */
  resource: string;
  code: RefusalCode;
  /** The `error` name sent with the code (default: Entra's for it, else invalid_grant). */
  error?: string;
  /** The claims request sent with it (default: Entra's for the code, if any), as for an authentication context. */
  claims?: string;
  /** Only this user's refreshes (default: every user's). */
  username?: string;
  /** How many refreshes are refused (default: all of them). */
  times?: number;
}

function sameResource(rule: string, resource: KnownResource): boolean {
  return findResource(rule)?.id === resource.id;
}

/** The refusal that applies to this user's refresh for this resource, counted as used. */
export function takeRefusal(refusals: RefreshRefusal[], user: TestUser, resource: KnownResource): RefreshRefusal | undefined {
  const index = refusals.findIndex(
    (r) => sameResource(r.resource, resource) && (!r.username || r.username.toLowerCase() === user.username.toLowerCase()),
  );
  const rule = refusals[index];
  if (!rule) return undefined;
  if (rule.times !== undefined && --rule.times <= 0) refusals.splice(index, 1);
  return rule;
}

/** Entra's answer for a refusal, with the wording Entra uses. */
export function refusalError(rule: RefreshRefusal, resource: KnownResource, clientId: string): EntraError {
  const known = knownRefusal(rule, resource, clientId);
  if (rule.error === undefined && rule.claims === undefined) return known;
  return new EntraError(rule.error ?? known.error, known.code, known.description, known.status, rule.claims ?? known.claims);
}

function knownRefusal(rule: RefreshRefusal, resource: KnownResource, clientId: string): EntraError {
  const name = resource.appId ?? resource.id;
  switch (rule.code) {
    case 50076:
      return new EntraError('invalid_grant', 50076,
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${name}'.`);
    case 50079:
      return new EntraError('invalid_grant', 50079,
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${name}'.`);
    case 53003:
      return new EntraError('invalid_grant', 53003,
        'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.');
    case 65001:
      return new EntraError('invalid_grant', 65001,
        `The user or administrator has not consented to use the application with ID '${clientId}' named '${resource.id}'. Send an interactive authorization request for this user and resource.`);
    case 500011:
      return entraErrors.unknownResource(resource.id);
    default:
      // Any other code of docs/exit-codes.md's table, with the error name a test chooses.
      return new EntraError('invalid_grant', rule.code, `The test IdP refuses this refresh for '${name}' with AADSTS${rule.code}.`);
  }
}

/** A user asking for a token in a tenant they do not belong to. */
export function notMemberError(user: TestUser, tenant: string, clientId: string): EntraError {
  return new EntraError('invalid_grant', 50020,
    `User account '${user.username}' from identity provider 'https://sts.windows.net/${user.tenants[0]}/' does not exist in tenant '${tenant}' and cannot access the application '${clientId}' in that tenant. The account needs to be added as an external user in the tenant first.`);
}
