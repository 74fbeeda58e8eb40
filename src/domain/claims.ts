import { UsageError } from './errors.js';

/**
 * Claims requests (entra-protocol.md 4.7): what a resource's claims challenge asks for, and the
 * `cp1` client capability that makes a client CAE-capable.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `--claims`: JSON, or the base64 of JSON as a resource's `WWW-Authenticate: … claims="…"` gives it
 * (standard or URL-safe alphabet, padding optional). Returns compact JSON; anything else is exit 2.
 */
export function parseClaimsArgument(value: string, flag = '--claims'): string {
  const trimmed = value.trim();
  const looksBase64 = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed);
  const text = trimmed.startsWith('{') || !looksBase64 ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed)) {
    throw new UsageError(
      `${flag} needs a JSON object, or its base64 from a claims challenge, such as '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'.`,
    );
  }
  return JSON.stringify(parsed);
}

/**
 * The `claims` parameter to send: the challenge's claims, with `xms_cc: cp1` merged into
 * `access_token` when the client declares CAE (as MSAL merges capabilities and challenges).
 */
export function claimsToSend(claims: string | undefined, cae: boolean | undefined): string | undefined {
  if (!cae) return claims;
  let parsed: unknown = {};
  try {
    if (claims) parsed = JSON.parse(claims);
  } catch {
    // Entra's own claims request, if not JSON, is passed on as it came.
  }
  if (!isRecord(parsed)) return claims;
  const accessToken = isRecord(parsed.access_token) ? parsed.access_token : {};
  return JSON.stringify({ ...parsed, access_token: { ...accessToken, xms_cc: { values: ['cp1'] } } });
}

/**
 * Two claims requests as one, for a sign-in that must satisfy both: a resource's challenge the
 * caller brought and the claims Entra's refusal asked for (its MFA or Conditional Access
 * policies). Per token (`access_token`, `id_token`), a claim either names is asked for; where both
 * name one, Entra's stands (its answer is the later word on what this sign-in needs). Entra's, when
 * it is not a JSON object, is passed on as it came.
 */
export function mergeClaims(given: string | undefined, entra: string | undefined): string | undefined {
  if (!given || !entra) return entra ?? given;
  let ours: unknown;
  let theirs: unknown;
  try {
    ours = JSON.parse(given);
    theirs = JSON.parse(entra);
  } catch {
    return entra;
  }
  if (!isRecord(ours) || !isRecord(theirs)) return entra;
  const merged: Record<string, unknown> = { ...ours };
  for (const [token, claims] of Object.entries(theirs)) {
    const asked = merged[token];
    merged[token] = isRecord(claims) && isRecord(asked) ? { ...asked, ...claims } : claims;
  }
  return JSON.stringify(merged);
}
