import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  TEST_CONFIDENTIAL_CLIENT_OID, TEST_SYSTEM_IDENTITY, TEST_OTHER_TENANT_DOMAIN, TEST_OTHER_TENANT_ID, TEST_TENANT_DOMAIN, TEST_TENANT_ID, TEST_USER2_USERNAME, TEST_USERNAME,
} from './constants.js';
import { findUserByOid } from './entra-directory.js';
import { RESOURCES } from './entra-resources.js';
import { v1Issuer } from './entra-token-version.js';
import { pathOf, sendJson } from './http-server.js';

/**
 * A small Azure Resource Manager beside the test IdP, on the same port: `GET /tenants` and
 * `GET /subscriptions` (api-version 2022-12-01), as the Azure CLI asks them after a sign-in. It
 * checks the bearer token as ARM does: signed by the IdP, for ARM (either of its app id URIs),
 * unexpired; the answer is what the token's user may see in the token's tenant.
 */

export const ARM_API_VERSION = '2022-12-01';

export interface TestSubscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  state: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
  /** Usernames that have a role on it. */
  users: readonly string[];
  /** Service principals (apps, managed identities) with a role on it, by object id: the `oid` of their tokens. */
  principals?: readonly string[];
  managedByTenants?: readonly string[];
}

/**
 * Subscriptions in two tenants: alice sees all three, bob only the first, carol none (her
 * sign-in makes a tenant-level account, as `az login --allow-no-subscriptions` does); the
 * confidential app and the system-assigned identity have a role on the first.
 */
export const TEST_SUBSCRIPTIONS: readonly TestSubscription[] = [
  {
    subscriptionId: '7e57f00d-0000-4000-8000-000000000001', displayName: 'azsess-test-dev', tenantId: TEST_TENANT_ID, state: 'Enabled', users: [TEST_USERNAME, TEST_USER2_USERNAME],
    principals: [TEST_CONFIDENTIAL_CLIENT_OID, TEST_SYSTEM_IDENTITY.objectId],
  },
  { subscriptionId: '7e57f00d-0000-4000-8000-000000000002', displayName: 'azsess-test-prod', tenantId: TEST_TENANT_ID, state: 'Enabled', users: [TEST_USERNAME], managedByTenants: [TEST_OTHER_TENANT_ID] },
  { subscriptionId: '7e57f00d-0000-4000-8000-0000000000b1', displayName: 'azsess-other-main', tenantId: TEST_OTHER_TENANT_ID, state: 'Enabled', users: [TEST_USERNAME] },
];

/** The tenants' display names and default domains, as `GET /tenants` lists them. */
export const TEST_TENANT_DETAILS: Readonly<Record<string, { displayName: string; defaultDomain: string }>> = {
  [TEST_TENANT_ID]: { displayName: 'azsess Test', defaultDomain: TEST_TENANT_DOMAIN },
  [TEST_OTHER_TENANT_ID]: { displayName: 'azsess Other', defaultDomain: TEST_OTHER_TENANT_DOMAIN },
};

/** The ARM paths this serves (an Entra path always starts with a tenant, never with these). */
export function armEndpointOf(path: string): 'arm-tenants' | 'arm-subscriptions' | undefined {
  if (path === '/tenants') return 'arm-tenants';
  if (path === '/subscriptions') return 'arm-subscriptions';
  return undefined;
}

const armAudiences = new Set([RESOURCES.arm, `${RESOURCES.arm}/`, RESOURCES.armLegacy, `${RESOURCES.armLegacy}/`]);

function armError(res: ServerResponse, status: number, code: string, message: string): void {
  const headers: Record<string, string> = status === 401
    ? { 'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${TEST_TENANT_ID}", error="invalid_token", error_description="${code}"` }
    : {};
  sendJson(res, status, { error: { code, message } }, headers);
}

type Checked = { ok: true; claims: Record<string, unknown> } | { ok: false; code: string; message: string };

/** ARM's checks of a bearer token, with its error codes. */
function checkToken(authorization: string | undefined, keys: Map<string, KeyObject>, issuerOf: (tid: string) => string[]): Checked {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." };
  const [h, p, s] = token.split('.');
  const invalid = { ok: false as const, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
  if (!h || !p || !s) return invalid;
  let header: { kid?: string; alg?: string };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { kid?: string; alg?: string };
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return invalid;
  }
  const key = keys.get(header.kid ?? '');
  if (header.alg !== 'RS256' || !key || !verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return invalid;
  if (!armAudiences.has(String(claims.aud))) {
    return { ok: false, code: 'InvalidAuthenticationTokenAudience', message: `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences '${[...armAudiences].join("','")}'.` };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) {
    return { ok: false, code: 'ExpiredAuthenticationToken', message: 'The access token expiry UTC time is earlier than current UTC time.' };
  }
  const tid = String(claims.tid);
  if (!TEST_TENANT_DETAILS[tid] || !issuerOf(tid).includes(String(claims.iss))) {
    return { ok: false, code: 'InvalidAuthenticationTokenTenant', message: `The access token is from the wrong issuer '${String(claims.iss)}'.` };
  }
  return { ok: true, claims };
}

export interface ArmDeps {
  /** The IdP's signing keys (fetched once, as ARM caches Entra's). */
  keys(): Promise<Map<string, KeyObject>>;
  /** The IdP's authority host, for the v2 issuer. */
  url(): string;
}

/** Public keys from a JWKS document. */
export function keysOf(jwks: { keys: Array<Record<string, string>> }): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) keys.set(jwk.kid!, createPublicKey({ key: jwk, format: 'jwk' }));
  return keys;
}

/** The node:http handler of the ARM routes (`armEndpointOf` says which requests are its). */
export function createArmHandler(deps: ArmDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const endpoint = armEndpointOf(pathOf(req));
    const apiVersion = new URL(req.url ?? '/', 'http://x').searchParams.get('api-version');
    if (req.method !== 'GET') return armError(res, 405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method ?? ''}'.`);
    if (!apiVersion) return armError(res, 400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (apiVersion !== ARM_API_VERSION) {
      return armError(res, 400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${ARM_API_VERSION}'.`);
    }
    const checked = checkToken(req.headers.authorization, await deps.keys(), (tid) => [v1Issuer(tid), `${deps.url()}/${TEST_TENANT_ID}/v2.0`]);
    if (!checked.ok) return armError(res, 401, checked.code, checked.message);
    const user = findUserByOid(String(checked.claims.oid));
    const tid = String(checked.claims.tid);
    // An app or a managed identity (no user) sees the one tenant it is in: its token's.
    const principal = user ? undefined : String(checked.claims.oid);
    if (endpoint === 'arm-tenants') {
      const value = (user ? user.tenants : [tid]).map((tenantId) => ({
        id: `/tenants/${tenantId}`, tenantId, countryCode: 'US', displayName: TEST_TENANT_DETAILS[tenantId]!.displayName,
        domains: [TEST_TENANT_DETAILS[tenantId]!.defaultDomain], tenantCategory: 'Home', defaultDomain: TEST_TENANT_DETAILS[tenantId]!.defaultDomain,
        tenantType: 'AAD',
      }));
      return sendJson(res, 200, { value });
    }
    const hasRole = (s: TestSubscription) => (user ? s.users.includes(user.username) : (s.principals ?? []).includes(principal!));
    const value = TEST_SUBSCRIPTIONS.filter((s) => s.tenantId === tid && hasRole(s)).map((s) => ({
      id: `/subscriptions/${s.subscriptionId}`, authorizationSource: 'RoleBased',
      managedByTenants: (s.managedByTenants ?? []).map((tenantId) => ({ tenantId })), subscriptionId: s.subscriptionId,
      tenantId: s.tenantId, displayName: s.displayName, state: s.state,
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    }));
    return sendJson(res, 200, { count: { type: 'Total', value: value.length }, value });
  };
}
