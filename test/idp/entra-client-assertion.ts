import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { compactVerify, decodeJwt, decodeProtectedHeader, importX509, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

import { TEST_CLIENT_CERTIFICATE_PATH, TEST_CONFIDENTIAL_CLIENT_ID } from './constants.js';
import type { DirectoryClient } from './entra-directory.js';
import { EntraError, entraErrors } from './entra-errors.js';
import { verifyFederatedAssertion, type FederatedCredentialStore } from './entra-federated.js';

/**
 * Client authentication with a JWT (RFC 7523): certificate assertions azsess signs itself, and
 * federated tokens from another issuer. Both are verified here with jose, independently of how
 * azsess builds them; the grant then runs in oidc-provider with the client's own secret.
 */

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How a client proved itself: the `appidacr` of its tokens is `2` for both. */
export type ClientAuthentication = 'certificate' | 'federated';

export interface DecodedAssertion {
  jwt: string;
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
}

/** Clock skew allowed on `exp` and `nbf`, in seconds. */
const SKEW_SECONDS = 30;

export const assertionErrors = {
  malformed: (why: string) => new EntraError('invalid_request', 50027, `JWT token is invalid or malformed: ${why}.`),
  wrongAssertionType: (type: string) => new EntraError('invalid_request', 9002313,
    `Invalid request. Request is malformed or invalid: client_assertion_type '${type}' is not ${JWT_BEARER}.`),
  certificateNotRegistered: (clientId: string, thumbprint: string) => new EntraError('invalid_client', 700027,
    `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`, 401),
  badSignature: () => new EntraError('invalid_client', 700027, 'Client assertion failed signature validation.', 401),
  clientMismatch: () => new EntraError('invalid_client', 700021,
    "Client assertion application identifier doesn't match 'client_id' parameter.", 401),
  subjectMismatch: () => new EntraError('invalid_client', 50048, 'Subject mismatches Issuer claim in the client assertion.', 401),
  wrongAudience: () => new EntraError('invalid_client', 700023, 'Client assertion audience claim does not match Realm issuer.', 401),
  outsideValidity: (now: number, payload: JWTPayload) => new EntraError('invalid_client', 700024,
    `Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion valid from ${iso((payload.nbf ?? payload.iat ?? 0) * 1000)}, expiry time of assertion ${iso((payload.exp ?? 0) * 1000)}.`, 401),
};

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function decodeAssertion(jwt: string): DecodedAssertion {
  try {
    return { jwt, header: decodeProtectedHeader(jwt), payload: decodeJwt(jwt) };
  } catch {
    throw assertionErrors.malformed('the client assertion is not a JWT');
  }
}

export function audiencesOf(payload: JWTPayload): string[] {
  return Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
}

/** `exp` must be ahead and `nbf` behind, within a small skew. */
export function checkValidity(payload: JWTPayload, nowMs: number): void {
  const now = nowMs / 1000;
  const expired = typeof payload.exp !== 'number' || payload.exp < now - SKEW_SECONDS;
  const early = typeof payload.nbf === 'number' && payload.nbf > now + SKEW_SECONDS;
  if (expired || early) throw assertionErrors.outsideValidity(nowMs, payload);
}

let registered: X509Certificate[] | undefined;

/** Certificates registered on an app: the leaf of test/idp/certificates/client.pem on the confidential client. */
export function registeredCertificates(clientId: string): X509Certificate[] {
  if (clientId.toLowerCase() !== TEST_CONFIDENTIAL_CLIENT_ID) return [];
  registered ??= [new X509Certificate(readFileSync(TEST_CLIENT_CERTIFICATE_PATH))];
  return registered;
}

function thumbprint(cert: X509Certificate, hash: 'sha1' | 'sha256'): string {
  return createHash(hash).update(cert.raw).digest('base64url');
}

/** A certificate assertion (entra-protocol.md 5.2): registered certificate, signature, iss = sub = client, aud, time window, jti. */
async function verifyCertificateAssertion(assertion: DecodedAssertion, client: DirectoryClient, audiences: string[], nowMs: number): Promise<void> {
  const { header, payload } = assertion;
  const s256 = header['x5t#S256'];
  const x5t = header.x5t;
  const cert = registeredCertificates(client.clientId)
    .find((c) => (typeof s256 === 'string' && s256 === thumbprint(c, 'sha256')) || (typeof x5t === 'string' && x5t === thumbprint(c, 'sha1')));
  if (!cert) {
    const used = typeof x5t === 'string' ? x5t : typeof s256 === 'string' ? s256 : '';
    throw assertionErrors.certificateNotRegistered(client.clientId, Buffer.from(used, 'base64url').toString('hex').toUpperCase());
  }
  if (header.alg !== 'RS256' && header.alg !== 'PS256') throw assertionErrors.badSignature();
  try {
    await compactVerify(assertion.jwt, await importX509(cert.toString(), header.alg));
  } catch {
    throw assertionErrors.badSignature();
  }
  if (payload.sub !== payload.iss) throw assertionErrors.subjectMismatch();
  if (!audiencesOf(payload).some((a) => audiences.includes(a))) throw assertionErrors.wrongAudience();
  checkValidity(payload, nowMs);
  if (typeof payload.jti !== 'string' || payload.jti === '') throw assertionErrors.malformed('the client assertion has no jti claim');
}

/**
 * Verifies `client_assertion` as Entra would and says which kind it was. `audiences` are the
 * values a certificate assertion's `aud` may take (the token endpoint, in each spelling of the tenant).
 * Throws the EntraError Entra would answer.
 */
export async function verifyClientAssertion(
  form: Record<string, string>,
  client: DirectoryClient,
  audiences: string[],
  federated: FederatedCredentialStore,
): Promise<ClientAuthentication> {
  if (form.client_assertion_type !== JWT_BEARER) throw assertionErrors.wrongAssertionType(form.client_assertion_type ?? '');
  if (!form.client_assertion) throw entraErrors.missingParameter('client_assertion');
  const assertion = decodeAssertion(form.client_assertion);
  const iss = assertion.payload.iss;
  // An assertion the app signed itself names the app as issuer; any other issuer is a federation.
  if (typeof iss === 'string' && iss.toLowerCase() === client.clientId.toLowerCase()) {
    await verifyCertificateAssertion(assertion, client, audiences, Date.now());
    return 'certificate';
  }
  if (assertion.payload.sub === client.clientId) throw assertionErrors.clientMismatch();
  await verifyFederatedAssertion(assertion, client, federated, Date.now());
  return 'federated';
}
