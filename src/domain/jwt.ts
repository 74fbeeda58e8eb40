/** Claims azsess reads from tokens it was given. It never trusts them for security decisions. */
export interface TokenClaims {
  aud?: string | string[];
  tid?: string;
  exp?: number;
  oid?: string;
  upn?: string;
  preferred_username?: string;
  unique_name?: string;
  [claim: string]: unknown;
}

/**
 * The payload of a JWT, without verifying it: the token came from the identity provider over TLS
 * and azsess only reads `aud`, `tid`, `exp` and the account name. Entra access tokens are not
 * always JWTs, so anything else gives undefined.
 */
export function decodeClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length < 2 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as TokenClaims)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A human name for the signed-in account, if the token has one. */
export function accountOf(claims: TokenClaims | undefined): string | undefined {
  const name = claims?.preferred_username ?? claims?.upn ?? claims?.unique_name;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}
