import type { IncomingMessage, ServerResponse } from 'node:http';

import { TEST_SYSTEM_IDENTITY, TEST_USER_ASSIGNED_IDENTITY, type ManagedIdentity } from './constants.js';
import { Faults } from './faults.js';
import { listenLoopback, parseForm, parseQuery, pathOf, readBody } from './http-server.js';
import { IssuedValues } from './issued-values.js';
import { JwtSigner } from './mi-token.js';
import { RequestLog } from './request-log.js';

/** Identities a managed-identity fake knows, and token lifetime. */
export interface ManagedIdentityFakeOptions {
  /** The system-assigned identity; `null` for none (default {@link TEST_SYSTEM_IDENTITY}). */
  systemAssigned?: ManagedIdentity | null;
  /** User-assigned identities (default [{@link TEST_USER_ASSIGNED_IDENTITY}]). */
  userAssigned?: ManagedIdentity[];
  /** Token lifetime in seconds (default 86399, about what IMDS gives). */
  tokenTtl?: number;
}

/** What every managed-identity fake returns. */
export interface ManagedIdentityFake {
  /** Base URL, `http://127.0.0.1:PORT` (`https://` for Service Fabric's). */
  url: string;
  /** Environment variables that make azsess find this fake. */
  env: Record<string, string>;
  requests: RequestLog;
  issued: IssuedValues;
  faults: Faults;
  /** Public keys of the fake's signing key. */
  jwks: { keys: Record<string, unknown>[] };
  close(): Promise<void>;
}

/** One parsed request, handed to a fake's handler. */
export interface MiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
}

export interface MiServerSpec {
  /** Endpoint name for the log and for faults (`token`, `challenge`, `other`). */
  endpointOf(request: MiRequest): string;
  handle(request: MiRequest, tools: { signer: JwtSigner; issued: IssuedValues }): void | Promise<void>;
  env(url: string): Record<string, string>;
  onClose?(): Promise<void>;
  /** Serve https with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

/** Scaffold shared by the fakes: loopback server, request log, faults, issued values. */
export async function startMiServer(spec: MiServerSpec): Promise<ManagedIdentityFake> {
  const requests = new RequestLog();
  const issued = new IssuedValues();
  const faults = new Faults();
  const signer = new JwtSigner();
  const server = await listenLoopback(async (req, res) => {
    const body = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    const request: MiRequest = { req, res, path: pathOf(req), query: parseQuery(req), form: parseForm(req, body) ?? {} };
    const endpoint = spec.endpointOf(request);
    const record = requests.add({
      method: req.method ?? 'GET', path: request.path, endpoint, time: Date.now(), headers: req.headers,
      query: request.query, form: req.method === 'POST' ? request.form : undefined,
      resource: request.query.resource ?? request.form.resource,
      clientId: request.query.client_id ?? request.query.clientid ?? request.form.client_id,
    });
    res.on('finish', () => { record.status = res.statusCode; });
    await faults.handle(endpoint, req, res, () => spec.handle(request, { signer, issued }));
  }, spec.tls);
  return {
    url: server.url,
    env: spec.env(server.url),
    requests,
    issued,
    faults,
    jwks: signer.jwks,
    async close() {
      await server.close();
      await spec.onClose?.();
    },
  };
}

export interface IdentitySelector {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

/**
 * Picks the identity a request names; without a selector, the system-assigned one (or, as IMDS
 * does, the only user-assigned one when there is no system-assigned identity).
 */
export function selectIdentity(options: ManagedIdentityFakeOptions, selector: IdentitySelector): ManagedIdentity | undefined {
  const system = options.systemAssigned === undefined ? TEST_SYSTEM_IDENTITY : options.systemAssigned;
  const users = options.userAssigned ?? [TEST_USER_ASSIGNED_IDENTITY];
  const same = (a: string | undefined, b: string | undefined): boolean => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  if (selector.clientId) return [system, ...users].find((i) => same(i?.clientId, selector.clientId)) ?? undefined;
  if (selector.objectId) return [system, ...users].find((i) => same(i?.objectId, selector.objectId)) ?? undefined;
  if (selector.resourceId) return users.find((i) => same(i.resourceId, selector.resourceId));
  return system ?? (users.length === 1 ? users[0] : undefined);
}

/** How many identity selectors a request used (at most one is allowed). */
export function selectorCount(selector: IdentitySelector): number {
  return [selector.clientId, selector.objectId, selector.resourceId].filter((v) => v !== undefined).length;
}
