import { isLoopbackHost, normaliseAuthority, sameAuthority } from '../domain/authority.js';
import { isMetaTenant } from '../domain/tenant.js';
import { isUserProtocol, keepsRedirectUri, type ProtocolName } from '../domain/protocol-names.js';
import { defaultAuthority, defaultRedirectUri, type Session } from '../domain/session.js';
import { defaultUserScope, normaliseUserScopes, signInScopes } from '../core/token-query.js';
import { environmentNameOf, parseAzAccount, type AzAccount, type AzUser } from '../domain/az-account.js';
import type { MsalAccount, MsalCache, MsalRefreshToken } from './msal-cache.js';

/**
 * `azsess import az`: sessions made from the Azure CLI's sign-in, so a person who switches keeps
 * it (no new sign-in, no new MFA). Each refresh token of az's client (or of the Microsoft family
 * it belongs to) becomes the refresh token of sessions of az's client for that account, one at
 * each tenant az had it in; their access tokens are empty and expired, so the first
 * `azsess token` redeems the refresh token. Nothing here reads or writes a file.
 */

/** The Azure CLI's public client id (azsess's default too). */
export const azureCliClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export interface ImportedPerson {
  user: AzUser;
  oid: string;
  authority: string;
  /** Tenants the sessions were made for, as az had them (plus azsess's default meta tenant). */
  tenants: string[];
  /** The person's subscriptions from azureProfile.json (az's default among them, if it is theirs). */
  subscriptions: AzAccount[];
}

export interface AzImportResult {
  sessions: Session[];
  people: ImportedPerson[];
  /** Service principals az has signed in: not imported (their secrets are az's to keep). */
  servicePrincipals: number;
}

export interface AzImportInput {
  cache: MsalCache;
  /** azureProfile.json's `subscriptions` (raw), if there was the file. */
  profileSubscriptions: readonly unknown[];
  /** The protocol of the sessions: azsess's setting when it is a person's, else device code. */
  protocol: ProtocolName;
  /** azsess's tenant setting: a meta tenant (`organizations`) gets a session too, for plain `azsess token`. */
  defaultTenant: string;
  now: Date;
}

/** MSAL's `environment` (a login host, maybe with a port) as an authority URL: https, or http to loopback. */
export function authorityOfEnvironment(environment: string): string | undefined {
  const host = environment.trim();
  const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const check = normaliseAuthority(`${isLoopbackHost(hostname) ? 'http' : 'https'}://${host}`);
  return check.ok ? check.url : undefined;
}

/** The refresh token az would redeem for this account: its own client's, else the family's. */
function refreshTokenFor(account: MsalAccount, tokens: readonly MsalRefreshToken[]): MsalRefreshToken | undefined {
  const mine = tokens.filter(
    (t) => t.homeAccountId.toLowerCase() === account.homeAccountId.toLowerCase() && t.environment.toLowerCase() === account.environment.toLowerCase(),
  );
  return mine.find((t) => t.clientId.toLowerCase() === azureCliClientId) ?? mine.find((t) => t.familyId === '1');
}

function pushUnique(list: string[], value: string): void {
  if (value && !list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
}

function sessionAt(tenant: string, person: ImportedPerson, refreshToken: string, input: AzImportInput, signedIn: Date): Session {
  const scope = normaliseUserScopes([defaultUserScope]);
  return {
    protocol: input.protocol,
    clientId: azureCliClientId,
    tenant,
    token: '',
    // Expired: the first `azsess token` refreshes, which also checks that the sign-in still holds.
    expiry: new Date(0),
    refreshToken,
    idToken: '',
    scope,
    scopeAuth: signInScopes(scope),
    redirectUri: keepsRedirectUri(input.protocol) ? defaultRedirectUri : '',
    resource: '',
    clientSecret: '',
    lock: false,
    ...(sameAuthority(person.authority, defaultAuthority) ? {} : { authority: person.authority }),
    account: person.user.name,
    ...(person.oid ? { accountOid: person.oid } : {}),
    signedIn,
    extra: {},
  };
}

/** The sessions and subscriptions an import makes; the caller stores them. */
export function importAzSignIn(input: AzImportInput): AzImportResult {
  const protocol = isUserProtocol(input.protocol) ? input.protocol : 'AzDeviceCodeFlowCredentials';
  const profile = input.profileSubscriptions.map(parseAzAccount).filter((a): a is AzAccount => a !== undefined);
  const defaultUser = profile.find((a) => a.isDefault)?.user.name.toLowerCase();
  const people: Array<ImportedPerson & { refreshToken: string }> = [];
  for (const account of input.cache.accounts) {
    const token = refreshTokenFor(account, input.cache.refreshTokens);
    const authority = authorityOfEnvironment(account.environment);
    if (!token || !authority) continue;
    let person = people.find((p) => p.user.name.toLowerCase() === account.username.toLowerCase() && sameAuthority(p.authority, authority));
    if (!person) {
      const user: AzUser = { name: account.username, type: 'user' };
      const subscriptions = profile.filter(
        (a) => a.user.type === 'user' && a.user.name.toLowerCase() === user.name.toLowerCase() && a.environmentName === environmentNameOf(authority),
      );
      person = { user, oid: '', authority, tenants: [], subscriptions, refreshToken: token.secret };
      people.push(person);
    }
    // The object id in the home tenant: the `<oid>.<tid>` of the home account id.
    const [oid, homeTenant] = account.homeAccountId.split('.');
    if (!person.oid && oid && homeTenant?.toLowerCase() === account.realm.toLowerCase()) person.oid = oid;
    pushUnique(person.tenants, account.realm);
  }
  for (const person of people) {
    for (const a of person.subscriptions) pushUnique(person.tenants, a.tenantId);
    if (isMetaTenant(input.defaultTenant)) pushUnique(person.tenants, input.defaultTenant);
  }
  // The person of az's default subscription is azsess's default account: the most recent sign-in.
  const ordered = [...people.filter((p) => p.user.name.toLowerCase() === defaultUser), ...people.filter((p) => p.user.name.toLowerCase() !== defaultUser)];
  const sessions = ordered.flatMap((person, rank) => {
    const signedIn = new Date(input.now.getTime() - rank * 1000);
    return person.tenants.map((tenant) => sessionAt(tenant, person, person.refreshToken, { ...input, protocol }, signedIn));
  });
  return {
    sessions,
    people: ordered.map(({ refreshToken: _secret, ...person }) => person),
    servicePrincipals: new Set(profile.filter((a) => a.user.type === 'servicePrincipal').map((a) => a.user.name)).size,
  };
}
