/**
 * The `claims` request parameter (entra-protocol.md 4.7) as the test IdP honours it: `xms_cc`
 * with `cp1` (a CAE-capable client) gets a long-lived token, and an `acrs` claim asked for (an
 * authentication context, after a claims challenge) is put into the access token.
 */
export interface ClaimsRequest {
  /** The client declared the `cp1` capability. */
  cae: boolean;
  /** Authentication context values asked for in `access_token.acrs`. */
  acrs: string[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function values(claim: Record<string, unknown> | undefined): string[] {
  if (!claim) return [];
  if (Array.isArray(claim.values)) return claim.values.filter((v): v is string => typeof v === 'string');
  return typeof claim.value === 'string' ? [claim.value] : [];
}

/** Reads a claims request; anything that is not JSON asks for nothing. */
export function parseClaimsRequest(text: string | undefined): ClaimsRequest {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const accessToken = record(record(parsed)?.access_token);
  return {
    cae: values(record(accessToken?.xms_cc)).some((v) => v.toLowerCase() === 'cp1'),
    acrs: values(record(accessToken?.acrs)),
  };
}
