import { RESOURCES } from './entra-resources.js';

/**
 * Entra issues v1 access tokens to resources whose app registration accepts only v1 (its
 * `accessTokenAcceptedVersion`), whichever endpoint asked: ARM and the AKS API server among them
 * (entra-protocol.md 8.1). A v1 token has the issuer `https://sts.windows.net/<tid>/`, `ver` "1.0",
 * and v1 claim names: `upn`/`unique_name` for the user, `appid`/`appidacr` for the client, no
 * `azp`, `azpacr` or `preferred_username`.
 */

/** Resources (ids without a trailing slash) whose access tokens are v1. */
const V1_RESOURCES: ReadonlySet<string> = new Set([RESOURCES.arm, RESOURCES.armLegacy, RESOURCES.aks]);

/** Whether an access token with this `aud` is a v1 token. */
export function isV1Audience(audience: unknown): boolean {
  return typeof audience === 'string' && V1_RESOURCES.has(audience.replace(/\/+$/, ''));
}

/** The v1 issuer of a tenant. */
export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

const V2_ONLY_CLAIMS = ['azp', 'azpacr', 'preferred_username'];

/** Reshapes a v2 access token payload into the v1 form when its audience takes v1 tokens. */
export function withTokenVersion(payload: Record<string, unknown>): Record<string, unknown> {
  if (!isV1Audience(payload.aud)) return payload;
  const v1: Record<string, unknown> = { ...payload, iss: v1Issuer(String(payload.tid)), ver: '1.0' };
  for (const claim of V2_ONLY_CLAIMS) delete v1[claim];
  return v1;
}
