import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A PKCE pair (RFC 7636 §4.1-4.2): the verifier stays here, the challenge goes to /authorize. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** BASE64URL(SHA-256(verifier)), without padding (RFC 7636 §4.2). */
export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** 32 random bytes give a 43-character verifier, the shortest RFC 7636 allows and what MSAL sends. */
export function createPkcePair(random: (size: number) => Buffer = randomBytes): PkcePair {
  const verifier = random(32).toString('base64url');
  return { verifier, challenge: challengeOf(verifier), method: 'S256' };
}

/** An unguessable `state` (RFC 6749 §10.12): ties the redirect to this sign-in. */
export function randomState(random: (size: number) => Buffer = randomBytes): string {
  return random(24).toString('base64url');
}

/** Compares a received state with the expected one in constant time. */
export function stateMatches(expected: string, received: string | null | undefined): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}
