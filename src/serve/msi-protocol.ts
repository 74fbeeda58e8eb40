import { redact } from '../domain/redact.js';
import type { Session } from '../domain/session.js';
import { secretMatches } from './secret.js';

/**
 * The App Service managed-identity protocol, api-version 2019-08-01, as the Azure SDKs speak it
 * when IDENTITY_ENDPOINT and IDENTITY_HEADER are set: GET the endpoint with `resource` and the
 * secret in X-IDENTITY-HEADER; the answer is JSON with `expires_on` in epoch seconds, as a string.
 */

export const msiPath = '/msi/token';
export const msiApiVersion = '2019-08-01';

/** A user-assigned identity, as an SDK may name it: it must be the one served. */
export interface AskedIdentity {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

/** A request the server answers without a token: the status, the OAuth-style body, and the log's word for it. */
export interface Refusal {
  status: number;
  error: string;
  description: string;
  outcome: string;
  headers?: Record<string, string>;
}

export type MsiRequest = { ok: true; resource: string; identity: AskedIdentity } | ({ ok: false; resource?: string } & Refusal);

type Headers = Record<string, string | string[] | undefined>;

function single(params: URLSearchParams, name: string): string | undefined | null {
  const all = params.getAll(name);
  return all.length > 1 ? null : all[0];
}

function refuse(status: number, error: string, description: string, outcome: string, resource?: string, headers?: Record<string, string>): MsiRequest {
  return { ok: false, status, error, description, outcome, ...(resource !== undefined ? { resource } : {}), ...(headers ? { headers } : {}) };
}

/** The identity parameters: `object_id` and `principal_id` are two names of one thing. */
function askedIdentity(params: URLSearchParams): AskedIdentity | string {
  const names = ['client_id', 'object_id', 'principal_id', 'mi_res_id'] as const;
  const values: Partial<Record<(typeof names)[number], string>> = {};
  for (const name of names) {
    const value = single(params, name);
    if (value === null) return `give ${name} once`;
    if (value) values[name] = value;
  }
  if (values.object_id && values.principal_id && values.object_id.toLowerCase() !== values.principal_id.toLowerCase()) {
    return 'object_id and principal_id name different identities';
  }
  const objectId = values.object_id ?? values.principal_id;
  return {
    ...(values.client_id ? { clientId: values.client_id } : {}),
    ...(objectId ? { objectId } : {}),
    ...(values.mi_res_id ? { resourceId: values.mi_res_id } : {}),
  };
}

/** Checks path, method, secret and parameters, in that order: a caller without the secret learns nothing more. */
export function parseMsiRequest(method: string | undefined, rawUrl: string | undefined, headers: Headers, secret: string): MsiRequest {
  const url = new URL(rawUrl ?? '/', 'http://serve.invalid');
  if (url.pathname !== msiPath) return refuse(404, 'not_found', `Nothing here; the token endpoint is ${msiPath}.`, 'not found');
  if (method !== 'GET') {
    return refuse(405, 'method_not_allowed', `Use GET on ${msiPath}.`, 'method not allowed', undefined, { allow: 'GET' });
  }
  const presented = headers['x-identity-header'];
  if (!secretMatches(typeof presented === 'string' ? presented : undefined, secret)) {
    return refuse(401, 'unauthorized', 'The X-IDENTITY-HEADER header is missing or wrong; set IDENTITY_HEADER to the value azsess serve printed.', 'wrong or missing X-IDENTITY-HEADER');
  }
  const params = url.searchParams;
  const resource = single(params, 'resource');
  const version = single(params, 'api-version');
  if (version !== msiApiVersion) {
    return refuse(400, 'invalid_request', `Give api-version=${msiApiVersion}, the App Service protocol version azsess serve speaks.`, 'bad api-version', resource ?? undefined);
  }
  if (!resource) return refuse(400, 'invalid_request', 'Give resource=<the resource to get a token for>, once.', 'no resource');
  const identity = askedIdentity(params);
  if (typeof identity === 'string') return refuse(400, 'invalid_request', `The identity parameters are not usable: ${identity}.`, 'bad identity parameters', resource);
  return { ok: true, resource, identity };
}

/** The 200 answer: what App Service sends, with the lifetime counted from `now`. */
export function tokenBody(session: Session, resource: string, clientId: string, now: Date): Record<string, unknown> {
  const expiresOn = Math.floor(session.expiry.getTime() / 1000);
  return {
    access_token: session.token,
    expires_on: String(expiresOn),
    expires_in: Math.max(0, expiresOn - Math.floor(now.getTime() / 1000)),
    resource,
    token_type: 'Bearer',
    client_id: clientId,
  };
}

/**
 * The error answer: `error` and `error_description`, which the SDKs put in the message their users
 * see and their logs keep; a secret that Entra echoed in its reason is blanked as on stderr.
 */
export function errorBody(refusal: Pick<Refusal, 'error' | 'description'>): Record<string, unknown> {
  return { error: refusal.error, error_description: redact(refusal.description) };
}
