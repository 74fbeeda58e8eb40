import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

import { TEST_TENANT_ID, type ManagedIdentity, type TestUser } from './constants.js';

/** RS256 JWT signer with a key of its own (managed-identity tokens need not chain to the IdP). */
export class JwtSigner {
  readonly #key: KeyObject;
  readonly kid = randomBytes(8).toString('hex');
  /** Public key as a JWK set, should a test want to verify signatures. */
  readonly jwks: { keys: Record<string, unknown>[] };

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#key = privateKey;
    this.jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }] };
  }

  sign(payload: Record<string, unknown>): string {
    const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');
    const input = `${encode({ typ: 'JWT', alg: 'RS256', kid: this.kid })}.${encode(payload)}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(this.#key, 'base64url')}`;
  }
}

export interface IssuedMiToken {
  accessToken: string;
  /** Epoch seconds. */
  notBefore: number;
  expiresOn: number;
  expiresIn: number;
}

/**
 * A v1 access token as a managed identity gets it: `aud` is the resource exactly as asked
 * (trailing slash kept), app-only claims, or delegated ones for Cloud Shell's signed-in user.
 */
export function issueMiToken(
  signer: JwtSigner,
  options: { resource: string; ttl: number; identity?: ManagedIdentity; user?: TestUser; clientId?: string },
): IssuedMiToken {
  const now = Math.floor(Date.now() / 1000);
  const subject = options.user?.oid ?? options.identity?.objectId ?? '';
  const claims: Record<string, unknown> = {
    aud: options.resource,
    iss: `https://sts.windows.net/${TEST_TENANT_ID}/`,
    iat: now,
    nbf: now,
    exp: now + options.ttl,
    tid: TEST_TENANT_ID,
    oid: subject,
    sub: subject,
    appid: options.identity?.clientId ?? options.clientId,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  if (options.user) {
    Object.assign(claims, { idtyp: 'user', upn: options.user.username, unique_name: options.user.username, name: options.user.name, scp: 'user_impersonation' });
  } else {
    Object.assign(claims, { idtyp: 'app', xms_mirid: options.identity?.resourceId });
  }
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return { accessToken: signer.sign(payload), notBefore: now, expiresOn: now + options.ttl, expiresIn: options.ttl };
}

/** Legacy App Service (2017-09-01) date form: `11/21/2026 16:05:03 +00:00`. */
export function legacyDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} `
    + `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +00:00`;
}
