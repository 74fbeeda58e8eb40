import type { CloudName } from '../domain/authority.js';
import { accountFromTokens } from '../domain/accounts.js';
import { decodeClaims } from '../domain/jwt.js';
import { isUserProtocol, kindOf } from '../domain/protocol-names.js';
import type { Session } from '../domain/session.js';
import type { AzUser } from '../domain/az-account.js';
import type { AzValue } from './az-output.js';

/** az's names of the clouds (`az cloud list`). */
const environmentNames: Record<CloudName, string> = { public: 'AzureCloud', usgov: 'AzureUSGovernment', china: 'AzureChinaCloud' };

export function environmentNameOfCloud(cloud: CloudName): string {
  return environmentNames[cloud];
}

/** The tenant the session's token is of (its `tid`), else the session's. */
export function tenantOf(session: Session): string {
  const tid = decodeClaims(session.token)?.tid;
  return typeof tid === 'string' && tid ? tid : session.tenant;
}

/** Who the session is, as az's `user`: a person by name, an app by client id, a managed identity by kind. */
export function userOf(session: Session): AzUser {
  if (isUserProtocol(session.protocol)) {
    const account = accountFromTokens(session.idToken, session.token);
    return { name: session.account ?? account.upn ?? account.oid ?? '', type: 'user' };
  }
  if (kindOf(session.protocol) === 'vm') {
    const { client_id: clientId, object_id: objectId, msi_res_id: resourceId } = session.options ?? {};
    const info = clientId ? `MSIClient-${clientId}` : objectId ? `MSIObject-${objectId}` : resourceId ? `MSIResource-${resourceId}` : 'MSI';
    return { assignedIdentityInfo: info, name: info === 'MSI' ? 'systemAssignedIdentity' : 'userAssignedIdentity', type: 'servicePrincipal' };
  }
  return { name: session.clientId, type: 'servicePrincipal' };
}

/**
 * `az account show` for azsess's account: a tenant-level account, as `az login
 * --allow-no-subscriptions` makes when there is no subscription (azsess keeps no subscriptions
 * yet): `id` the tenant id, `name` az's `N/A(tenant level account)`.
 */
export function sessionTenantAccount(session: Session, cloud: CloudName): { [key: string]: AzValue } {
  const tenant = tenantOf(session);
  return {
    environmentName: environmentNames[cloud],
    id: tenant,
    isDefault: true,
    name: 'N/A(tenant level account)',
    state: 'Enabled',
    tenantId: tenant,
    user: { ...userOf(session) },
  };
}
