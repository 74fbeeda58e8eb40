import { compactVerify, createRemoteJWKSet } from 'jose';

import type { DirectoryClient } from './entra-directory.js';
import { EntraError } from './entra-errors.js';
import { assertionErrors, audiencesOf, checkValidity, type DecodedAssertion } from './entra-client-assertion.js';

/**
 * Workload identity federation (entra-protocol.md 5.3): an app trusts tokens of an external
 * issuer whose issuer, subject and one audience match a federated identity credential. The
 * issuer's signing keys are fetched from its OpenID configuration, over HTTP, as Entra does.
 */

/** A federated identity credential of an app registration. */
export interface FederatedCredential {
  clientId: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** The federated credentials of the test directory, and the issuers' keys once fetched. */
export class FederatedCredentialStore {
  readonly credentials: FederatedCredential[] = [];
  readonly #keys = new Map<string, Promise<KeySet>>();

  add(credential: FederatedCredential): void {
    this.credentials.push(credential);
  }

  /** The issuer's key set, found through `<issuer>/.well-known/openid-configuration`. */
  keysOf(issuer: string): Promise<KeySet> {
    let keys = this.#keys.get(issuer);
    if (!keys) {
      keys = discoverKeys(issuer);
      keys.catch(() => this.#keys.delete(issuer));
      this.#keys.set(issuer, keys);
    }
    return keys;
  }
}

const keysUnavailable = (issuer: string, why: string) => new EntraError('invalid_request', 50027,
  `JWT token is invalid or malformed: the signing keys of issuer '${issuer}' could not be fetched from its OpenID configuration (${why}).`);

async function discoverKeys(issuer: string): Promise<KeySet> {
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = (await response.json()) as typeof document;
  } catch (error) {
    throw keysUnavailable(issuer, (error as Error).message);
  }
  if (document.issuer !== issuer || typeof document.jwks_uri !== 'string') {
    throw keysUnavailable(issuer, 'the document names another issuer or no jwks_uri');
  }
  return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 5000 });
}

const noIssuer = (issuer: string) => new EntraError('invalid_request', 700211,
  `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`);
const noAudience = (audience: string) => new EntraError('invalid_request', 700212,
  `No matching federated identity record found for presented assertion audience '${audience}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`);
const noMatch = (issuer: string, subject: string, audience: string) => new EntraError('invalid_request', 70021,
  `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'.`);

/** Checks issuer, audience and subject against the app's credentials, then signature and time window. */
export async function verifyFederatedAssertion(
  assertion: DecodedAssertion,
  client: DirectoryClient,
  store: FederatedCredentialStore,
  nowMs: number,
): Promise<void> {
  const { payload } = assertion;
  const issuer = typeof payload.iss === 'string' ? payload.iss : '';
  const subject = typeof payload.sub === 'string' ? payload.sub : '';
  const audiences = audiencesOf(payload);
  const mine = store.credentials.filter((c) => c.clientId.toLowerCase() === client.clientId.toLowerCase());
  const byIssuer = mine.filter((c) => c.issuer === issuer);
  if (byIssuer.length === 0) throw noIssuer(issuer);
  const byAudience = byIssuer.filter((c) => c.audiences.some((a) => audiences.includes(a)));
  if (byAudience.length === 0) throw noAudience(audiences.join(', '));
  if (!byAudience.some((c) => c.subject === subject)) throw noMatch(issuer, subject, audiences.join(', '));
  const keys = await store.keysOf(issuer);
  try {
    await compactVerify(assertion.jwt, keys);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY') throw assertionErrors.badSignature();
    throw keysUnavailable(issuer, (error as Error).message);
  }
  checkValidity(payload, nowMs);
}
