import type { KoaContext } from 'oidc-provider';

import { findUserByOid } from './entra-directory.js';
import type { DevicePolling } from './entra-device-polling.js';
import { mapProviderFailure } from './entra-error-map.js';
import { entraErrorBody } from './entra-errors.js';
import { requestContext, type EntraRequestContext } from './entra-request-context.js';
import { OIDC_SCOPES, entraScopesFor } from './entra-resources.js';
import { tenantIdFor } from './entra-routes.js';
import type { IssuedValues } from './issued-values.js';

export interface ResponseDeps {
  issued: IssuedValues;
  /** Device code pacing: the `interval` answered, and when each code was issued. */
  polling: DevicePolling;
  /** The authority host, for `error_uri`. */
  authority: string;
  /** Called for each device code issued, so the helpers can find its verification URI. */
  onDeviceCode(userCode: string, verificationUri: string): void;
}

/** Error oidc-provider threw, kept by the error event listeners (its body hides the detail). */
export const CAUSE = 'azsessCause';

/** Koa middleware around oidc-provider's routes: rewrites JSON answers into Entra's shapes. */
export function entraResponses(deps: ResponseDeps) {
  return async (ctx: KoaContext, next: () => Promise<void>): Promise<void> => {
    await next();
    const entra = requestContext(ctx.req);
    if (entra?.endpoint === 'authorize' || entra?.endpoint === 'authorize-resume') return prefixRedirectError(ctx);
    if (!entra || !['token', 'devicecode', 'discovery', 'keys'].includes(entra.endpoint)) return;
    const body = ctx.body as Record<string, any> | undefined;
    if (ctx.status >= 400 && body && typeof body.error === 'string') {
      reshapeError(ctx, entra, body, deps);
    } else if (ctx.status === 200 && entra.endpoint === 'token' && body?.access_token) {
      ctx.body = tokenBody(ctx, entra, body, deps.issued);
    } else if (ctx.status === 200 && entra.endpoint === 'devicecode' && body?.device_code) {
      ctx.body = deviceCodeBody(body, deps);
    }
  };
}

function reshapeError(ctx: KoaContext, entra: EntraRequestContext, body: Record<string, any>, deps: ResponseDeps): void {
  const cause = ctx.state[CAUSE] as { error_detail?: string } | undefined;
  const mapped = mapProviderFailure({
    endpoint: entra.endpoint,
    grantType: entra.grantType,
    clientId: entra.clientId,
    status: ctx.status,
    error: body.error,
    description: body.error_description,
    detail: cause?.error_detail,
  });
  ctx.status = mapped.status;
  ctx.body = entraErrorBody({ error: mapped.error, code: mapped.code, description: mapped.description }, entra.ids, deps.authority);
}

/** AADSTS numbers for errors delivered to the app's redirect URI. */
const REDIRECT_CODES: Record<string, number> = {
  access_denied: 65004, consent_required: 65001, login_required: 50058, invalid_scope: 70011, server_error: 50000,
};

/** Entra's redirect errors carry `AADSTSnnnnn:` descriptions too. */
function prefixRedirectError(ctx: KoaContext): void {
  const location = ctx.response.get('Location');
  if (!location || ctx.status < 300 || ctx.status >= 400) return;
  const url = new URL(location, 'http://x');
  const error = url.searchParams.get('error');
  const description = url.searchParams.get('error_description') ?? '';
  if (!error || description.startsWith('AADSTS')) return;
  url.searchParams.set('error_description', `AADSTS${REDIRECT_CODES[error] ?? 9002313}: ${description}`);
  ctx.set('Location', url.href);
}

function oidcScopesOf(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => OIDC_SCOPES.has(s));
}

/** Entra's token response: field order, `ext_expires_in`, `Bearer`, scopes as `<audience>/<permission>`. */
function tokenBody(ctx: KoaContext, entra: EntraRequestContext, body: Record<string, any>, issued: IssuedValues) {
  const { entities } = ctx.oidc;
  const token = entities.AccessToken ?? entities.ClientCredentials;
  const audience: string | undefined = token?.resourceServer?.audience;
  const resourceScopes = audience ? entraScopesFor(audience, (token.scope ?? '').split(' ').filter(Boolean)) : [];
  const source = entities.RefreshToken ?? entities.AuthorizationCode ?? entities.DeviceCode;
  const granted = oidcScopesOf(source?.scope);
  const asked = entra.scope?.oidc;
  const oidc = asked ? granted.filter((s) => asked.includes(s)) : granted;
  const appOnly = entra.grantType === 'client_credentials';
  const out: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: appOnly ? undefined : [...resourceScopes, ...oidc].join(' '),
    expires_in: body.expires_in,
    ext_expires_in: body.expires_in,
    access_token: body.access_token,
    refresh_token: body.refresh_token,
    id_token: body.id_token,
  };
  if (entra.clientInfo && token?.accountId) {
    out.client_info = Buffer.from(JSON.stringify({ uid: token.accountId, utid: tenantIdFor(entra.tenant, findUserByOid(token.accountId)) })).toString('base64url');
  }
  issued.record('access_token', body.access_token);
  issued.record('refresh_token', body.refresh_token);
  issued.record('id_token', body.id_token);
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Entra's device code response: no `verification_uri_complete`, an `interval` and a `message`. */
function deviceCodeBody(body: Record<string, any>, deps: ResponseDeps) {
  deps.issued.record('device_code', body.device_code);
  deps.polling.issued(body.device_code);
  deps.onDeviceCode(body.user_code, body.verification_uri);
  return {
    user_code: body.user_code,
    device_code: body.device_code,
    verification_uri: body.verification_uri,
    expires_in: body.expires_in,
    interval: deps.polling.intervalSeconds,
    message: `To sign in, use a web browser to open the page ${body.verification_uri} and enter the code ${body.user_code} to authenticate.`,
  };
}
