import {
  AZURE_CLI_CLIENT_ID, LOCALHOST_REDIRECT_URI, TEST_CLIENT_SECRET, TEST_CONFIDENTIAL_CLIENT_ID,
  TEST_CONFIDENTIAL_CLIENT_OID, TEST_PUBLIC_CLIENT_ID, TEST_REDIRECT_URI, TEST_USERS, type TestUser,
} from './constants.js';

/** An app registration of the test tenant. */
export interface DirectoryClient {
  clientId: string;
  name: string;
  /** Public client flows allowed, no secret ("Mobile and desktop" platform). */
  isPublic: boolean;
  secret?: string;
  /** Object id of the service principal (oid of app-only tokens). */
  oid: string;
  /**
   * A Microsoft first-party client, pre-authorised for Microsoft's resources: a refresh token it
   * got can be redeemed for any of them although the sign-in did not name them.
   */
  firstParty?: boolean;
}

export const DIRECTORY_CLIENTS: readonly DirectoryClient[] = [
  { clientId: TEST_PUBLIC_CLIENT_ID, name: 'azsess test public client', isPublic: true, oid: '7e57c11e-5e1f-4000-8000-0000000050b0' },
  { clientId: AZURE_CLI_CLIENT_ID, name: 'Microsoft Azure CLI', isPublic: true, oid: '7e57c11e-5e1f-4000-8000-0000000050c1', firstParty: true },
  { clientId: TEST_CONFIDENTIAL_CLIENT_ID, name: 'azsess test confidential client', isPublic: false, secret: TEST_CLIENT_SECRET, oid: TEST_CONFIDENTIAL_CLIENT_OID },
];

export function findClient(clientId: string | undefined): DirectoryClient | undefined {
  if (!clientId) return undefined;
  return DIRECTORY_CLIENTS.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
}

export function findUser(username: string | undefined): TestUser | undefined {
  const wanted = (username ?? '').trim().toLowerCase();
  return TEST_USERS.find((u) => u.username.toLowerCase() === wanted);
}

export function findUserByOid(oid: string | undefined): TestUser | undefined {
  return TEST_USERS.find((u) => u.oid === oid);
}

/** Client metadata in oidc-provider's (RFC 7591) form. */
export function clientMetadata(): Record<string, unknown>[] {
  return DIRECTORY_CLIENTS.map((c) => c.isPublic
    ? {
      client_id: c.clientId,
      client_name: c.name,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      redirect_uris: registeredRedirects(c),
    }
    : {
      client_id: c.clientId,
      client_secret: c.secret,
      client_name: c.name,
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: registeredRedirects(c),
    });
}

/** The redirect URIs registered on `client`'s app (Entra's "Mobile and desktop" or "Web" platform). */
export function registeredRedirects(client: DirectoryClient): readonly string[] {
  return client.isPublic ? [LOCALHOST_REDIRECT_URI, TEST_REDIRECT_URI] : [TEST_REDIRECT_URI];
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Entra's matching (entra-protocol.md 3.3): for a `localhost` registration the port is ignored
 * (RFC 8252 §7.3), but scheme, host and path must match, path case included; no query or
 * fragment. Anything else must match exactly.
 */
export function redirectMatches(registered: string, value: string): boolean {
  const want = parse(registered);
  const got = parse(value);
  if (!want || !got) return false;
  if (want.hostname !== 'localhost') return want.href === got.href;
  return got.protocol === want.protocol && got.hostname === 'localhost' && got.pathname === want.pathname
    && got.search === '' && got.hash === '' && got.username === '' && got.password === '';
}

/** Whether `redirectUri` is registered for `client`, by the rules above. */
export function redirectAllowed(client: DirectoryClient, redirectUri: string | undefined): boolean {
  if (!redirectUri) return false;
  return registeredRedirects(client).some((registered) => redirectMatches(registered, redirectUri));
}
