import { constants, createHash, sign, type X509Certificate } from 'node:crypto';
import type { CertificateCredential } from './certificate-credential.js';

/** The signature algorithms Entra accepts for certificate assertions (entra-protocol.md 5.2). */
export type AssertionAlgorithm = 'PS256' | 'RS256';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How long an assertion azsess signs is valid, as MSAL does. */
export const assertionLifetimeSeconds = 600;

export interface AssertionRequest {
  /** The token endpoint the assertion is sent to. */
  audience: string;
  clientId: string;
  /** A fresh unique id (RFC 7523 §3 `jti`). */
  jti: string;
  now: Date;
  algorithm: AssertionAlgorithm;
  /** Adds `x5c`, the certificate chain (subject name and issuer authentication). */
  sendChain: boolean;
}

/** base64url of the certificate's DER digest: `x5t` (SHA-1) or `x5t#S256` (SHA-256), RFC 7515 §4.1.7-8. */
export function certificateThumbprint(certificate: X509Certificate, hash: 'sha1' | 'sha256'): string {
  return createHash(hash).update(certificate.raw).digest('base64url');
}

function encodePart(part: object): string {
  return Buffer.from(JSON.stringify(part), 'utf8').toString('base64url');
}

/**
 * A client assertion (RFC 7523; entra-protocol.md 5.2): PS256 with `x5t#S256` by default, RS256
 * with `x5t` on request; `aud` the token endpoint, `iss` = `sub` = the client id, a `jti`, and
 * `nbf`/`iat` now with `exp` ten minutes later. PS256 is RSASSA-PSS with SHA-256 and a salt as
 * long as the digest (RFC 7518 §3.5).
 */
export function signClientAssertion(credential: CertificateCredential, request: AssertionRequest): string {
  const header: Record<string, unknown> =
    request.algorithm === 'PS256'
      ? { alg: 'PS256', typ: 'JWT', 'x5t#S256': certificateThumbprint(credential.leaf, 'sha256') }
      : { alg: 'RS256', typ: 'JWT', x5t: certificateThumbprint(credential.leaf, 'sha1') };
  // x5c holds standard base64 DER, not base64url (RFC 7515 §4.1.6).
  if (request.sendChain) header.x5c = credential.chain.map((c) => c.raw.toString('base64'));
  const now = Math.floor(request.now.getTime() / 1000);
  const payload = {
    aud: request.audience,
    iss: request.clientId,
    sub: request.clientId,
    jti: request.jti,
    nbf: now,
    iat: now,
    exp: now + assertionLifetimeSeconds,
  };
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  const key =
    request.algorithm === 'PS256'
      ? { key: credential.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : credential.key;
  const signature = sign('sha256', Buffer.from(input, 'utf8'), key);
  return `${input}.${signature.toString('base64url')}`;
}
