import { fileURLToPath } from 'node:url';

/**
 * Fixed identities of the test directory: tenant, app registrations, users and managed
 * identities. Every value is fake; GUIDs start with 7e57 ("test") so they stand out in logs.
 */

/** The one real tenant of the test IdP (GUID form). */
export const TEST_TENANT_ID = '7e57a1d0-0000-4000-8000-00000000a2e5';
/** Verified-domain alias of {@link TEST_TENANT_ID}; accepted wherever the GUID is. */
export const TEST_TENANT_DOMAIN = 'azsess-test.onmicrosoft.com';
/**
 * A second tenant (GUID form) of which only some users are members (alice); a refresh token is
 * redeemed there for a token whose `tid` is this tenant, as Entra does for guests and members.
 */
export const TEST_OTHER_TENANT_ID = '7e57a1d0-0000-4000-8000-00000000b2e5';
/** Verified-domain alias of {@link TEST_OTHER_TENANT_ID}. */
export const TEST_OTHER_TENANT_DOMAIN = 'azsess-other.onmicrosoft.com';
/** Tenant aliases for user sign-in; app-only flows over them fail with AADSTS9001023. */
export const MULTI_TENANT_ALIASES = ['common', 'organizations', 'consumers'] as const;

/** Public client ("Mobile and desktop", public client flows allowed). */
export const TEST_PUBLIC_CLIENT_ID = '7e57c11e-0000-4000-8000-00000000b0b1';
/** Azure CLI's well-known public client id, registered like the test public client. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
/** Confidential client (client credentials, and auth code with a secret). */
export const TEST_CONFIDENTIAL_CLIENT_ID = '7e57c0de-0000-4000-8000-00000000c0c1';
/** Secret of {@link TEST_CONFIDENTIAL_CLIENT_ID}; shaped like an Entra secret (has ~ and .). */
export const TEST_CLIENT_SECRET = 'aZs7e57~Q8v.Secret_kW3pYx9LmN0rT2uV4bC6dE';
/** Object id of the confidential client's service principal (oid/sub of app-only tokens). */
export const TEST_CONFIDENTIAL_CLIENT_OID = '7e57c0de-5e1f-4000-8000-0000000050b1';

/**
 * PEM files of certificate credentials (test/idp/certificates/README.md), found from the compiled
 * module (dist/test/idp) in the source tree. The leaf of `client.pem` is registered on
 * {@link TEST_CONFIDENTIAL_CLIENT_ID}; `other.pem` is registered nowhere; `client.pfx` and
 * `client-legacy.pfx` are `client.pem` as PKCS#12 (OpenSSL 3's default form and `-legacy`), password
 * {@link TEST_CLIENT_PFX_PASSWORD}.
 */
const certificates = (name: string): string => fileURLToPath(new URL(`../../../test/idp/certificates/${name}`, import.meta.url));
export const TEST_CLIENT_CERTIFICATE_PATH = certificates('client.pem');
export const TEST_OTHER_CERTIFICATE_PATH = certificates('other.pem');
export const TEST_CLIENT_PFX_PATH = certificates('client.pfx');
export const TEST_CLIENT_LEGACY_PFX_PATH = certificates('client-legacy.pfx');
export const TEST_CLIENT_PFX_PASSWORD = 'azsess-test-pfx';

/** The audience Entra recommends for federated credentials, and GitHub's and Azure DevOps' default. */
export const FEDERATED_AUDIENCE = 'api://AzureADTokenExchange';

/** The fixed loopback redirect AzSessions.jl uses; registered on every client (on public ones, any port with path `/reply`). */
export const TEST_REDIRECT_URI = 'http://localhost:44300/reply';
/** "Mobile and desktop" registration `http://localhost`: any port, path `/` (Entra ignores the port on localhost only). */
export const LOCALHOST_REDIRECT_URI = 'http://localhost';

export interface TestUser {
  username: string;
  password: string;
  /** Object id: `oid` and `sub` of this user's tokens. */
  oid: string;
  name: string;
  /** Tenants (GUIDs) the user belongs to, the home tenant first. */
  tenants: readonly string[];
  /** A guest's object id in each tenant it was invited to (Entra gives a guest another one there). */
  guestOids?: Readonly<Record<string, string>>;
}

/** The user's object id in a tenant: a guest's own there, else the home one. */
export function oidIn(user: TestUser, tenant: string): string {
  return user.guestOids?.[tenant] ?? user.oid;
}

export const TEST_USERNAME = 'alice@azsess-test.onmicrosoft.com';
export const TEST_PASSWORD = 'Alice-7e57-Pa55word!';
export const TEST_USER2_USERNAME = 'bob@azsess-test.onmicrosoft.com';
export const TEST_USER2_PASSWORD = 'Bob-7e57-Pa55word!';

export const TEST_USER3_USERNAME = 'carol@azsess-test.onmicrosoft.com';
export const TEST_USER3_PASSWORD = 'Carol-7e57-Pa55word!';

/** erin, of the test tenant, is a guest of the other tenant, with another object id there. */
export const TEST_GUEST_USERNAME = 'erin@azsess-test.onmicrosoft.com';
export const TEST_GUEST_PASSWORD = 'Erin-7e57-Pa55word!';
export const TEST_GUEST_OID_IN_OTHER = '7e57e514-0000-4000-8000-00000e514e57';

/** alice is a member of both tenants; bob and carol only of the test tenant. */
export const TEST_USERS: readonly TestUser[] = [
  {
    username: TEST_USERNAME, password: TEST_PASSWORD, oid: '7e57a11c-0000-4000-8000-0000000a11ce', name: 'Alice Tester',
    tenants: [TEST_TENANT_ID, TEST_OTHER_TENANT_ID],
  },
  { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD, oid: '7e57b0b0-0000-4000-8000-000000000b0b', name: 'Bob Tester', tenants: [TEST_TENANT_ID] },
  { username: TEST_USER3_USERNAME, password: TEST_USER3_PASSWORD, oid: '7e57ca10-0000-4000-8000-00000000ca10', name: 'Carol Tester', tenants: [TEST_TENANT_ID] },
  {
    username: TEST_GUEST_USERNAME, password: TEST_GUEST_PASSWORD, oid: '7e57e514-0000-4000-8000-0000000e514e', name: 'Erin Guest',
    tenants: [TEST_TENANT_ID, TEST_OTHER_TENANT_ID], guestOids: { [TEST_OTHER_TENANT_ID]: TEST_GUEST_OID_IN_OTHER },
  },
];

/** A managed identity as the Azure platform knows it. */
export interface ManagedIdentity {
  clientId: string;
  /** Object (principal) id: `oid` of its tokens. */
  objectId: string;
  /** ARM resource id (user-assigned identities only). */
  resourceId?: string;
}

export const TEST_SYSTEM_IDENTITY: ManagedIdentity = {
  clientId: '7e575a1d-0000-4000-8000-0000000005a1',
  objectId: '7e575a1d-0b1d-4000-8000-0000000005a1',
};

export const TEST_USER_ASSIGNED_IDENTITY: ManagedIdentity = {
  clientId: '7e57ca1d-0000-4000-8000-00000000ca01',
  objectId: '7e57ca1d-0b1d-4000-8000-00000000ca01',
  resourceId: '/subscriptions/7e57f00d-0000-4000-8000-000000000001/resourcegroups/azsess-test'
    + '/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azsess-test-identity',
};
