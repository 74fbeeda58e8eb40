import type { FederatedSource } from '../protocols/assertion-sources/types.js';
import type { BrowserSignIn, ClientCertificate } from '../protocols/types.js';
import {
  checkCredentialFlags,
  federatedOptions,
  resolveCertificate,
  resolveFederatedSource,
  type CredentialFlags,
} from './credential-choice.js';
import { ConfigError, UsageError } from '../domain/errors.js';
import { isUserProtocol, protocolOf, shortProtocolName, type ProtocolName } from '../domain/protocol-names.js';
import type { ProtocolKind } from '../domain/protocol-table.js';
import { checkedResource } from '../domain/resource-id.js';
import { defaultScopeOf, mergeScopes, oidcScopes, resourceOfScope } from '../domain/scopes.js';
import { defaultAuthority, defaultRedirectUri, type SessionQuery } from '../domain/session.js';
import type { Settings } from './settings.js';

/** A user-assigned managed identity, by one of its three names. */
export interface IdentityChoice {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

/** Everything needed to find, refresh or make one session. */
export interface TokenQuery extends SessionQuery {
  /** What is consented at sign-in, the asked scope first. */
  scopeAuth: string[];
  identity: IdentityChoice;
  clientSecret?: string;
  /** client-credentials with a certificate instead of a secret. */
  certificate?: ClientCertificate;
  /** federated: where the token comes from. */
  federated?: FederatedSource;
  /** A claims challenge (JSON): the cached token is not used, and these claims are asked for. */
  claims?: string;
  /** Declares the `cp1` capability (CAE) on every request; such sessions are kept apart. */
  cae?: boolean;
  /** Where each setting came from, to write the exact login command in messages. */
  settings: Settings;
  /** Auth code flow: the redirect URI and the hints of a browser sign-in. */
  browser?: BrowserSignIn;
}

export interface QueryInput {
  scopes?: string[];
  resource?: string;
  scopeAuth?: string[];
  /** Managed identity: the flags that name a user-assigned identity. */
  identity?: IdentityChoice;
  /** Used when neither --scope nor --resource is given (for example the AKS server app). */
  defaultScope?: string;
  /** Auth code flow: --redirect-uri, --login-hint, --domain-hint. */
  browser?: { redirectUri?: string; loginHint?: string; domainHint?: string };
  /** Certificate and federated flags, and the environment they fall back on. */
  credentials?: { flags: CredentialFlags; env: Readonly<Record<string, string | undefined>> };
  /** `--claims`, already parsed to compact JSON. */
  claims?: string;
  cae?: boolean;
}

/** AzSessions.jl's defaults (azsessions-jl.md). */
export const defaultUserScope = 'https://management.azure.com/user_impersonation';
export const defaultResource = 'https://management.azure.com/';
export const defaultConsent = ['https://management.azure.com/user_impersonation', 'https://storage.azure.com/user_impersonation'];

const isDefaultScope = (scope: string) => scope.endsWith('/.default');

/**
 * What a person's sign-in asks Entra to consent to: the token's scopes, then the consent scopes
 * (--scope-auth, else ARM's and Storage's user_impersonation, as AzSessions.jl), so that later
 * audiences need no new sign-in. Entra refuses a `/.default` beside any other permission
 * (AADSTS70011), so a sign-in for a `/.default` asks for it alone, without the default consent;
 * a mix the user asked for is a usage error, said before any request.
 */
export function signInScopes(scope: readonly string[], given?: readonly string[]): string[] {
  const mixes = (scopes: readonly string[]) => {
    const named = scopes.filter((s) => !oidcScopes.has(s));
    return named.length > 1 && named.some(isDefaultScope);
  };
  const mixNote = 'Entra takes a /.default scope only on its own in one request (AADSTS70011)';
  if (mixes(scope)) throw new UsageError(`${mixNote}: ask for one <resource>/.default, or for named permissions such as https://storage.azure.com/user_impersonation.`);
  const all = mergeScopes(scope, normaliseUserScopes(given?.length ? given : defaultConsent));
  if (!mixes(all)) return all;
  if (!given?.length) return [...scope];
  throw new UsageError(`${mixNote}, so --scope-auth cannot add to this sign-in: give --scope-auth as named permissions (<resource>/user_impersonation) with a scope that is not a /.default.`);
}

/** `openid offline_access` first, as AzSessions.jl writes them, then the rest in order. */
export function normaliseUserScopes(scopes: readonly string[]): string[] {
  return mergeScopes(['openid', 'offline_access'], scopes);
}

/** The one resource of an app-only request, from --resource or a `<resource>/.default` scope. */
function appOnlyResource(input: QueryInput, protocol: string, kind: ProtocolKind): string {
  if (input.resource) return input.resource;
  const scopes = (input.scopes ?? (input.defaultScope ? [input.defaultScope] : [])).filter((s) => !oidcScopes.has(s));
  if (scopes.length === 0) return defaultResource;
  if (scopes.length > 1) throw new UsageError(`${protocol} gets a token for one resource at a time; give one --scope.`);
  const scope = scopes[0]!;
  const resource = resourceOfScope(scope);
  // A managed identity's endpoint takes a resource, so any scope that names one does.
  if (!resource || (!scope.endsWith('/.default') && kind !== 'vm')) {
    throw new UsageError(`${protocol} needs a scope of the form <resource>/.default (for example https://management.azure.com/.default), or --resource; '${scope}' is not one.`);
  }
  return resource;
}

function checkIdentity(identity: IdentityChoice): void {
  const given = [identity.clientId, identity.objectId, identity.resourceId].filter(Boolean).length;
  if (given > 1) throw new UsageError('Name a user-assigned identity with one of --client-id, --object-id or --msi-res-id, not several.');
}

/** The browser flags (the query's protocol owns them, checkCredentialFlags made sure) as a sign-in takes them. */
function browserSignIn(input: QueryInput): BrowserSignIn {
  const given = input.browser ?? {};
  return {
    redirectUri: given.redirectUri ?? defaultRedirectUri,
    redirectUriGiven: given.redirectUri !== undefined,
    ...(given.loginHint ? { loginHint: given.loginHint } : {}),
    ...(given.domainHint ? { domainHint: given.domainHint } : {}),
  };
}

/** `--claims` and `--cae` on any query; a CAE session is recorded with `cae: 1` so it matches only CAE queries. */
function withClaims(query: TokenQuery, input: QueryInput): TokenQuery {
  if (input.claims) query.claims = input.claims;
  if (input.cae) {
    if (protocolOf(query.protocol).kind === 'vm') throw new UsageError('--cae does not apply to managed identity, which takes no claims.');
    query.cae = true;
    query.options = { ...query.options, cae: '1' };
  }
  return query;
}

/** client-credentials proves itself with a certificate or a secret; federated with a token from its source. */
function withAppCredential(query: TokenQuery, input: QueryInput): TokenQuery {
  const flags = input.credentials?.flags ?? {};
  const env = input.credentials?.env ?? {};
  const { proof } = protocolOf(query.protocol);
  if (proof === 'federated-token') {
    query.federated = resolveFederatedSource(flags, env);
    query.options = federatedOptions(query.federated);
    return query;
  }
  const certificate = proof === 'secret-or-certificate' ? resolveCertificate(flags, env) : undefined;
  if (certificate) query.certificate = certificate;
  else if (query.settings.clientSecret.value) query.clientSecret = query.settings.clientSecret.value;
  return query;
}

/**
 * The account asked for (a UPN or object id), for user protocols only: `--account` with an app
 * protocol is a usage error, and AZSESS_ACCOUNT does not apply to one. No protocol: any.
 */
export function accountSelectorFor(account: Settings['account'], protocol: ProtocolName | undefined): string | undefined {
  const selector = account.value?.trim();
  if (!selector || protocol === undefined || isUserProtocol(protocol)) return selector || undefined;
  if (account.source === 'flag') throw new UsageError(`--account names a person; ${shortProtocolName(protocol)} signs in as an application, so it does not apply.`);
  return undefined;
}

/**
 * --resource and --scope trimmed, and refused (a usage error, before any request) when they cannot
 * name a resource at all: every spelling of one resource then finds one session (resource-id.ts).
 */
function checkedInput(input: QueryInput): QueryInput {
  const checked: QueryInput = { ...input };
  if (input.resource !== undefined) checked.resource = checkedResource(input.resource, '--resource');
  if (input.scopes) checked.scopes = input.scopes.map((s) => checkedResource(s, '--scope'));
  if (input.scopeAuth) checked.scopeAuth = input.scopeAuth.map((s) => checkedResource(s, '--scope-auth'));
  return checked;
}

/** Turns settings and flags into a query; flags that do not fit the protocol are usage errors. */
export function buildTokenQuery(settings: Settings, given: QueryInput): TokenQuery {
  const input = checkedInput(given);
  if (input.scopes?.length && input.resource) throw new UsageError('Give --scope or --resource, not both.');
  const protocol = settings.protocol.value;
  const { kind, short, flags } = protocolOf(protocol);
  checkCredentialFlags(protocol, { ...input.credentials?.flags, ...input.browser });
  // The protocol that owns the redirect URI signs in in a browser.
  const browser = 'redirectUri' in flags ? browserSignIn(input) : undefined;
  const selector = accountSelectorFor(settings.account, protocol);
  const base = {
    protocol,
    ...(selector ? { accountSelector: selector } : {}),
    clientId: settings.clientId.value,
    tenant: settings.tenant.value,
    authority: settings.authority.value,
    settings,
    identity: {},
    scope: [] as string[],
    scopeAuth: [] as string[],
    resource: '',
  };
  if (kind === 'user') {
    const asked = input.scopes?.length
      ? input.scopes
      : input.resource
        ? [defaultScopeOf(input.resource)]
        : [input.defaultScope ?? defaultUserScope];
    const scope = normaliseUserScopes(asked);
    const query = withClaims({ ...base, scope, scopeAuth: signInScopes(scope, input.scopeAuth) }, input);
    return browser ? { ...query, browser, redirectUri: browser.redirectUri } : query;
  }
  const resource = appOnlyResource(input, short, kind);
  if (kind === 'vm') {
    const identity = input.identity ?? {};
    checkIdentity(identity);
    const options: Record<string, string> = {};
    if (identity.clientId) options.client_id = identity.clientId;
    if (identity.objectId) options.object_id = identity.objectId;
    if (identity.resourceId) options.msi_res_id = identity.resourceId;
    // A managed identity is not tied to a login host, tenant or app registration.
    return withClaims({ ...base, clientId: '', tenant: '', authority: defaultAuthority, resource, identity, options }, input);
  }
  if (settings.clientId.source === 'default') {
    throw new ConfigError(
      `${short} needs your application's client id: pass --client-id, set AZURE_CLIENT_ID, or run azsess write-manifest --client-id.`,
    );
  }
  return withClaims(withAppCredential({ ...base, resource }, input), input);
}

/** The exact `azsess login` command that makes the session a query needs. */
export function loginCommandFor(query: TokenQuery, homeFlag?: string): string {
  const quote = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const parts = ['azsess', 'login', '--protocol', shortProtocolName(query.protocol)];
  if (homeFlag) parts.push('--home', quote(homeFlag));
  if (query.authority !== defaultAuthority) parts.push('--authority-host', quote(query.authority));
  parts.push('--tenant', quote(query.tenant), '--client-id', quote(query.clientId));
  for (const scope of query.scope.filter((s) => !oidcScopes.has(s))) parts.push('--scope', quote(scope));
  if (query.redirectUri && query.redirectUri !== defaultRedirectUri) parts.push('--redirect-uri', quote(query.redirectUri));
  // Several people may sign in to one app: the command names whose session is wanted.
  const account = query.accountSelector ?? query.account?.upn ?? query.account?.oid;
  if (account) parts.push('--account', quote(account));
  if (query.cae) parts.push('--cae');
  if (query.claims) parts.push('--claims', quote(query.claims));
  return parts.join(' ');
}
