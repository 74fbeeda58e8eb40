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
      redirect_uris: [LOCALHOST_REDIRECT_URI, TEST_REDIRECT_URI],
    }
    : {
      client_id: c.clientId,
      client_secret: c.secret,
      client_name: c.name,
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [TEST_REDIRECT_URI],
    });
}

/**
 * Entra's "Mobile and desktop" `http://localhost` registration: any port and any path on
 * localhost is accepted (oidc-provider alone ignores the port but still matches the path).
 */
export function isLocalhostRedirect(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && url.hostname === 'localhost' && url.hash === '' && url.username === '';
}

/** Whether `redirectUri` is registered for `client`, by the rules above. */
export function redirectAllowed(client: DirectoryClient, redirectUri: string | undefined): boolean {
  if (!redirectUri) return false;
  if (client.isPublic) return isLocalhostRedirect(redirectUri);
  return redirectUri === TEST_REDIRECT_URI;
}
