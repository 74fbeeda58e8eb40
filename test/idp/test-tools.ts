import { createHash, randomBytes } from 'node:crypto';

/** Small helpers for tests that talk to the test servers with plain fetch. */

/** The payload of a JWT, not verified. */
export function decodeJwt(token: string): Record<string, any> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, any>;
}

/** A PKCE pair (RFC 7636, S256). */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  json: Record<string, any>;
}

/** POSTs a form and reads a JSON answer. */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams(form),
    headers: { accept: 'application/json', ...headers },
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
}

/** GETs and reads a JSON answer. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
}
