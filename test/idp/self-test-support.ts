import assert from 'node:assert/strict';
import { createPublicKey, createVerify } from 'node:crypto';

import type { TestIdp } from './entra.js';
import { getJson, postForm, type JsonResponse } from './test-tools.js';

/** Helpers shared by the self-tests of test/idp (not part of the public API). */

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export const endpoint = (idp: TestIdp, name: 'token' | 'devicecode' | 'authorize', tenant = idp.tenantId): string =>
  `${idp.url}/${tenant}/oauth2/v2.0/${name}`;

export function requestDeviceCode(idp: TestIdp, scope: string, tenant?: string): Promise<JsonResponse> {
  return postForm(endpoint(idp, 'devicecode', tenant), { client_id: idp.publicClientId, scope });
}

export function pollDeviceCode(idp: TestIdp, deviceCode: string, extra: Record<string, string> = {}): Promise<JsonResponse> {
  return postForm(endpoint(idp, 'token'), { client_id: idp.publicClientId, grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, ...extra });
}

export function refresh(idp: TestIdp, refreshToken: string, scope: string): Promise<JsonResponse> {
  return postForm(endpoint(idp, 'token'), { client_id: idp.publicClientId, grant_type: 'refresh_token', refresh_token: refreshToken, scope });
}

/** Signs in with the device code flow (the IdP must have a zero poll interval) and returns the token response. */
export async function signInWithDeviceCode(idp: TestIdp, scope: string): Promise<Record<string, any>> {
  const code = await requestDeviceCode(idp, scope);
  assert.equal(code.status, 200, JSON.stringify(code.json));
  await idp.approveDeviceCode(code.json.user_code);
  const token = await pollDeviceCode(idp, code.json.device_code);
  assert.equal(token.status, 200, JSON.stringify(token.json));
  return token.json;
}

/** Asserts an Entra-shaped error body with this error and AADSTS code. */
export function assertEntraError(response: JsonResponse, status: number, error: string, code: number | undefined): void {
  const body = response.json;
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, code === undefined ? [] : [code]);
  if (code !== undefined) assert.match(body.error_description, new RegExp(`^AADSTS${code}: `));
  assert.match(body.error_description, /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: \S+\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.match(body.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.equal(typeof body.trace_id, 'string');
  assert.equal(typeof body.correlation_id, 'string');
}

/** Verifies an RS256 JWT against the IdP's JWKS. */
export async function verifyWithIdpKeys(idp: TestIdp, token: string): Promise<boolean> {
  const { json: jwks } = await getJson(`${idp.authority}/discovery/v2.0/keys`);
  const [header, payload, signature] = token.split('.');
  const { kid } = JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')) as { kid: string };
  const jwk = (jwks.keys as Array<Record<string, string>>).find((k) => k.kid === kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  return createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(key, signature!, 'base64url');
}
