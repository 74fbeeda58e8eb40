import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The per-run secret of `azsess serve` (IDENTITY_HEADER): 32 random bytes, base64url. */
export function newServeSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares a presented header with the secret in constant time. Both are hashed first, so neither
 * their lengths nor a common prefix shows in the time taken.
 */
export function secretMatches(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(secret));
}
