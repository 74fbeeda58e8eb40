import type Provider from 'oidc-provider';

import { verifyClientAssertion, type ClientAuthentication } from './entra-client-assertion.js';
import { findClient, findUserByOid, type DirectoryClient } from './entra-directory.js';
import type { DevicePolling } from './entra-device-polling.js';
import { entraErrors } from './entra-errors.js';
import type { LoopDetector } from './entra-loop-detection.js';
import type { FederatedCredentialStore } from './entra-federated.js';
import { notMemberError, refusalError, takeRefusal, type RefreshRefusal } from './entra-refusals.js';
import { parseEntraScope, type ParsedScope } from './entra-resources.js';
import { isMemberOf } from './entra-routes.js';

/** Adapter state the token endpoint needs across requests. */
export interface TokenEndpointState {
  provider: Provider;
  /** Device code pacing, for `slow_down`. */
  polling: DevicePolling;
  /** Refresh tokens revoked by the test, and why. */
  revoked: Map<string, 'revoked' | 'inactive'>;
  /** Federated identity credentials of the directory's apps. */
  federated: FederatedCredentialStore;
  /** Per-user, per-resource refusals of the refresh grant (entra-refusals.ts). */
  refusals: RefreshRefusal[];
  /** Identical requests repeated too often get AADSTS50196. */
  loops: LoopDetector;
}

export interface PreparedTokenRequest {
  form: Record<string, string>;
  client: DirectoryClient;
  scope?: ParsedScope;
  /** Set when the client authenticated with a client assertion (checked before the grant runs). */
  clientAuth?: ClientAuthentication;
}

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 6749 §2.3.1 Basic client auth, moved into the body (the provider only knows client_secret_post). */
export function takeBasicAuth(form: Record<string, string>, authorization: string | undefined): void {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return;
  form.client_id ??= decodeURIComponent(decoded.slice(0, colon));
  form.client_secret = decodeURIComponent(decoded.slice(colon + 1));
}

/** Entra's client rules that hold before any grant runs. */
export function checkClient(form: Record<string, string>): DirectoryClient {
  if (!form.client_id) throw entraErrors.missingParameter('client_id');
  const client = findClient(form.client_id);
  if (!client) throw entraErrors.clientNotFound(form.client_id);
  const presented = form.client_secret !== undefined || form.client_assertion !== undefined;
  if (client.isPublic && presented) throw entraErrors.publicClientSentSecret();
  if (!client.isPublic && !presented) throw entraErrors.missingSecret();
  return client;
}

function appOnly(form: Record<string, string>, multiTenant: boolean): ParsedScope {
  if (multiTenant) throw entraErrors.appOnlyOverCommon();
  if (!form.scope) throw entraErrors.missingParameter('scope');
  const notDefault = form.scope.split(/\s+/).filter(Boolean).find((s) => !s.endsWith('/.default'));
  if (notDefault) throw entraErrors.defaultScopeRequired(form.scope);
  const parsed = parseEntraScope(form.scope);
  if (parsed.resources.length !== 1) throw entraErrors.multipleResources(form.scope, true);
  form.resource = parsed.resources[0]!.indicator;
  delete form.scope;
  return parsed;
}

async function refresh(form: Record<string, string>, state: TokenEndpointState, tenant: string): Promise<ParsedScope | undefined> {
  const reason = state.revoked.get(form.refresh_token ?? '');
  if (reason) throw reason === 'inactive' ? entraErrors.refreshTokenInactive() : entraErrors.refreshTokenRevoked();
  const stored = await state.provider.RefreshToken.find(form.refresh_token ?? '', { ignoreExpiration: true });
  // A refresh token is not bound to a tenant: redeemed at another one it works where the user is a member.
  const user = findUserByOid(stored?.accountId);
  if (user && !isMemberOf(tenant, user)) throw notMemberError(user, tenant, form.client_id ?? '');
  if (!form.scope) return undefined;
  const parsed = parseEntraScope(form.scope);
  // Entra answers for the first resource only when the scope names several.
  const first = parsed.resources[0];
  const refusal = user && first ? takeRefusal(state.refusals, user, first.resource) : undefined;
  if (refusal) throw refusalError(refusal, first!.resource, form.client_id ?? '');
  // OIDC scopes not granted at sign-in are dropped (Entra grants them silently).
  const oidc = stored ? parsed.oidc.filter((s) => stored.scopes.has(s)) : parsed.oidc;
  form.scope = [...oidc, ...(first?.scopes ?? [])].join(' ');
  if (first) form.resource = first.indicator;
  return { oidc: parsed.oidc, resources: first ? [first] : [] };
}

/**
 * Code redemption: the optional `scope` names one resource (several: AADSTS28002). Entra does not
 * document `scope` for device code polling, so there the first resource is taken, as on refresh.
 */
function redemption(form: Record<string, string>, strict: boolean): ParsedScope | undefined {
  if (!form.scope) return undefined;
  const parsed = parseEntraScope(form.scope);
  if (strict && parsed.resources.length > 1) throw entraErrors.multipleResources(form.scope, false);
  const first = parsed.resources[0];
  if (first) form.resource = first.indicator;
  delete form.scope;
  return { oidc: parsed.oidc, resources: first ? [first] : [] };
}

function checkPollRate(form: Record<string, string>, state: TokenEndpointState): void {
  const code = form.device_code;
  if (code && state.polling.tooEarly(code)) throw entraErrors.slowDown(state.polling.intervalOf(code) ?? 0);
}

/**
 * A client assertion is verified here; the grant then runs in oidc-provider, which only knows
 * the client's secret (its private_key_jwt would refuse a reused jti, which Entra accepts).
 */
async function takeClientAssertion(
  form: Record<string, string>,
  client: DirectoryClient,
  audiences: string[],
  state: TokenEndpointState,
): Promise<ClientAuthentication | undefined> {
  if (form.client_assertion === undefined && form.client_assertion_type === undefined) return undefined;
  const kind = await verifyClientAssertion(form, client, audiences, state.federated);
  delete form.client_assertion;
  delete form.client_assertion_type;
  form.client_secret = client.secret ?? '';
  return kind;
}

/**
 * Applies Entra's rules to a token request and translates its `scope` into oidc-provider's
 * `resource` + internal scope. Throws `EntraError` for anything Entra rejects itself.
 */
export async function prepareTokenRequest(
  input: Record<string, string>,
  authorization: string | undefined,
  multiTenant: boolean,
  state: TokenEndpointState,
  assertionAudiences: string[] = [],
  tenant = '',
): Promise<PreparedTokenRequest> {
  const form = { ...input };
  takeBasicAuth(form, authorization);
  const client = checkClient(form);
  const clientAuth = await takeClientAssertion(form, client, assertionAudiences, state);
  if (!form.grant_type) throw entraErrors.missingParameter('grant_type');
  switch (form.grant_type) {
    case 'client_credentials':
      return { form, client, scope: appOnly(form, multiTenant), ...(clientAuth ? { clientAuth } : {}) };
    case 'refresh_token':
      return { form, client, scope: await refresh(form, state, tenant) };
    case DEVICE_CODE:
      checkPollRate(form, state);
      return { form, client, scope: redemption(form, false) };
    case 'authorization_code':
      return { form, client, scope: redemption(form, true) };
    default:
      return { form, client };
  }
}
