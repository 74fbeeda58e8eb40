import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import type Provider from 'oidc-provider';

import { TEST_TENANT_DOMAIN, TEST_TENANT_ID } from './constants.js';
import { findClient, redirectAllowed } from './entra-directory.js';
import { EntraError, entraErrorBody, entraErrors } from './entra-errors.js';
import { setEntraHeaders } from './entra-headers.js';
import { handleInteraction } from './entra-interactions.js';
import { loopKey } from './entra-loop-detection.js';
import { errorPage } from './entra-pages.js';
import { setRequestContext, type EntraRequestContext } from './entra-request-context.js';
import { classifyPath, tenantKind, type EntraRoute } from './entra-routes.js';
import { prepareAuthorizeQuery, prepareDeviceCodeRequest } from './entra-signin-request.js';
import { prepareTokenRequest, takeBasicAuth, type TokenEndpointState } from './entra-token-request.js';
import type { Faults } from './faults.js';
import { parseForm, pathOf, readBody, sendHtml, sendJson } from './http-server.js';
import type { IssuedValues } from './issued-values.js';
import type { RequestLog } from './request-log.js';

/**
 * The thin adapter in front of oidc-provider: Entra's tenant paths, scope-as-resource
 * translation, Entra's client and tenant rules, request log and faults. Grants stay oidc-provider's.
 */

export interface FrontDeps {
  provider: Provider;
  requests: RequestLog;
  faults: Faults;
  state: TokenEndpointState;
  /** Client assertions received are recorded here, for leak checks. */
  issued?: IssuedValues;
  /** Authority host, for `error_uri` and the like. */
  url(): string;
}

/** What a certificate assertion's `aud` may be: the token endpoint (or v2.0 issuer) in any spelling of the tenant. */
function assertionAudiences(url: string, tenant: string): string[] {
  return [...new Set([tenant, TEST_TENANT_ID, TEST_TENANT_DOMAIN])].flatMap((t) => [`${url}/${t}/oauth2/v2.0/token`, `${url}/${t}/v2.0`]);
}

interface Incoming {
  req: IncomingMessage;
  res: ServerResponse;
  route: EntraRoute;
  body: Buffer;
  form: Record<string, string>;
  context: EntraRequestContext;
}

/** A fresh readable request carrying `body`: oidc-provider parses the body itself. */
function replayRequest(req: IncomingMessage, body: string, dropAuthorization: boolean): IncomingMessage {
  const buffer = Buffer.from(body);
  const stream = new Readable({ read() {} });
  stream.push(buffer);
  stream.push(null);
  const headers = { ...req.headers, 'content-length': String(buffer.length) };
  delete headers['transfer-encoding'];
  if (dropAuthorization) delete headers.authorization;
  return Object.assign(stream, {
    headers, rawHeaders: [], method: req.method, url: req.url, socket: req.socket, connection: req.socket,
    httpVersion: req.httpVersion, httpVersionMajor: req.httpVersionMajor, httpVersionMinor: req.httpVersionMinor, complete: true,
  }) as unknown as IncomingMessage;
}

/** Hands the request to oidc-provider at `url` (tenant stripped), keeping the tenant in the URLs it builds. */
async function forward(
  callback: ReturnType<Provider['callback']>, r: Incoming, url: string, body?: string, dropAuthorization = false,
): Promise<void> {
  const target = body === undefined ? r.req : replayRequest(r.req, body, dropAuthorization);
  target.url = url;
  // oidc-provider derives its mount path from originalUrl minus url: that is the tenant segment.
  (target as IncomingMessage & { originalUrl?: string }).originalUrl = `${r.context.tenantPath}${url}`;
  setRequestContext(target, r.context);
  await callback(target, r.res);
}

/** Entra shows an unregistered redirect URI on its own error page (AADSTS50011), never redirects to it. */
function checkRedirect(query: URLSearchParams): void {
  const client = findClient(query.get('client_id') ?? undefined);
  const redirectUri = query.get('redirect_uri');
  if (client && redirectUri !== null && !redirectAllowed(client, redirectUri)) throw entraErrors.redirectMismatch(redirectUri, client.clientId);
}

function authorizeFailure(r: Incoming, error: EntraError): void {
  const query = new URL(r.req.url ?? '/', 'http://x').searchParams;
  const client = findClient(query.get('client_id') ?? undefined);
  const redirectUri = query.get('redirect_uri') ?? undefined;
  if (client && redirectUri && redirectAllowed(client, redirectUri)) {
    const target = new URL(redirectUri);
    target.searchParams.set('error', error.error);
    target.searchParams.set('error_description', error.message);
    const state = query.get('state');
    if (state !== null) target.searchParams.set('state', state);
    r.res.writeHead(302, { location: target.href, 'content-length': '0' });
    r.res.end();
    return;
  }
  sendHtml(r.res, error.status, errorPage('Sign in failed', error.message, error.status));
}

async function dispatch(deps: FrontDeps, callback: ReturnType<Provider['callback']>, r: Incoming): Promise<void> {
  const { route, context } = r;
  const query = new URL(r.req.url ?? '/', 'http://x').search;
  switch (route.endpoint) {
    case 'token': {
      if (deps.state.loops.isLoop(loopKey(route.tenant, r.form))) throw entraErrors.loopDetected();
      const multi = tenantKind(route.tenant) === 'multi';
      deps.issued?.record('client_assertion', r.form.client_assertion);
      const audiences = assertionAudiences(deps.url(), route.tenant);
      const prepared = await prepareTokenRequest(r.form, r.req.headers.authorization, multi, deps.state, audiences, route.tenant);
      // Claims requests shape the token (entra-provider.ts); oidc-provider has no use for them here.
      delete prepared.form.claims;
      Object.assign(context, {
        clientId: prepared.client.clientId, scope: prepared.scope, clientInfo: r.form.client_info === '1',
        clientAuth: prepared.clientAuth, claims: r.form.claims,
      });
      return forward(callback, r, '/oauth2/v2.0/token', new URLSearchParams(prepared.form).toString(), true);
    }
    case 'devicecode': {
      const prepared = prepareDeviceCodeRequest(r.form);
      prepared.body.delete('claims');
      Object.assign(context, { clientId: r.form.client_id, scope: prepared.scope });
      return forward(callback, r, '/oauth2/v2.0/devicecode', prepared.body.toString());
    }
    case 'authorize': {
      try {
        checkRedirect(new URLSearchParams(query));
      } catch (error) {
        if (error instanceof EntraError) return sendHtml(r.res, error.status, errorPage('Sign in failed', error.message, error.status));
        throw error;
      }
      try {
        const prepared = prepareAuthorizeQuery(new URLSearchParams(query));
        return forward(callback, r, `/oauth2/v2.0/authorize?${prepared.query}`);
      } catch (error) {
        if (error instanceof EntraError) return authorizeFailure(r, error);
        throw error;
      }
    }
    case 'authorize-resume':
    case 'devicelogin':
    case 'devicelogin-resume':
      return forward(callback, r, `${route.rest}${query}`, r.req.method === 'POST' ? r.body.toString('utf8') : undefined);
    case 'interaction':
      return handleInteraction({ provider: deps.provider, req: r.req, res: r.res, tenantPath: context.tenantPath, step: route.step, form: r.form });
    case 'discovery':
      return forward(callback, r, '/.well-known/openid-configuration');
    case 'keys':
      return forward(callback, r, '/discovery/v2.0/keys');
    default:
      throw entraErrors.notFound(pathOf(r.req));
  }
}

/** First resource named by an Entra scope, spelt as sent (for the request log). */
function firstResource(scope: string | undefined): string | undefined {
  const token = (scope ?? '').split(/\s+/).find((s) => s && !['openid', 'profile', 'email', 'offline_access'].includes(s));
  return token?.includes('/') ? token.slice(0, token.lastIndexOf('/')) : token;
}

/** The node:http handler of the test IdP. */
export function createEntraFront(deps: FrontDeps) {
  const callback = deps.provider.callback();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = classifyPath(pathOf(req));
    const body = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    const form = parseForm(req, body) ?? {};
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
    const scope = form.scope ?? query.scope;
    const withBasic = { ...form };
    takeBasicAuth(withBasic, req.headers.authorization);
    const record = deps.requests.add({
      method: req.method ?? 'GET', path: pathOf(req), endpoint: route.endpoint, time: Date.now(),
      headers: req.headers, query, form: req.method === 'POST' ? form : undefined, tenant: route.tenant,
      grantType: form.grant_type, resource: firstResource(scope), scope, clientId: withBasic.client_id ?? query.client_id,
    });
    res.on('finish', () => { record.status = res.statusCode; });
    const ids = setEntraHeaders(req, res);
    await deps.faults.handle(route.endpoint, req, res, async () => {
      const context: EntraRequestContext = {
        tenant: route.tenant, tenantPath: `/${route.tenant}`, endpoint: route.endpoint, ids, grantType: form.grant_type,
      };
      try {
        if (route.endpoint !== 'unknown' && !tenantKind(route.tenant)) throw entraErrors.tenantNotFound(route.tenant);
        await dispatch(deps, callback, { req, res, route, body, form, context });
      } catch (error) {
        if (!(error instanceof EntraError)) throw error;
        sendJson(res, error.status, entraErrorBody(error, ids, deps.url()), {});
      }
    });
  };
}
