import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { getJson, v1Issuer, type TestIdp } from '../idp/index.js';

/** Why a resource server refused a bearer token, or the claims it accepted. */
export type Verdict = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

export interface EntraVerifier {
  /** Checks signature (the IdP's JWKS), issuer, audience and expiry, as a resource server would. */
  verify(token: string, audience: string): Verdict;
}

/** Fetches the test IdP's signing keys once, as Azure DevOps, ACR or AKS would from Entra. */
export async function entraVerifier(idp: TestIdp): Promise<EntraVerifier> {
  const jwks = await getJson(`${idp.url}/${idp.tenantId}/discovery/v2.0/keys`);
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.json.keys as Array<Record<string, string>>) keys.set(jwk.kid!, createPublicKey({ key: jwk, format: 'jwk' }));
  // A v1 token (ver 1.0: ARM, AKS) names the tenant's v1 issuer, a v2 token the v2 one.
  const issuers: Record<string, string> = { '1.0': v1Issuer(idp.tenantId), '2.0': `${idp.url}/${idp.tenantId}/v2.0` };
  return {
    verify(token, audience) {
      const [h, p, s] = token.split('.');
      if (!h || !p || !s) return { ok: false, reason: 'not a JWT' };
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; kid?: string };
      const key = keys.get(header.kid ?? '');
      if (header.alg !== 'RS256' || !key) return { ok: false, reason: 'unknown signing key' };
      if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return { ok: false, reason: 'bad signature' };
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (claims.iss !== issuers[String(claims.ver)]) return { ok: false, reason: `issuer ${String(claims.iss)}` };
      if (claims.aud !== audience) return { ok: false, reason: `audience ${String(claims.aud)}` };
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}
