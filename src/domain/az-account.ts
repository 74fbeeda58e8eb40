/**
 * An account as the Azure CLI shows it (`az account show`, each element of `az account list`,
 * azureProfile.json's `subscriptions`): a subscription, or a tenant with none. Keys in az's order
 * (alphabetical), so the JSON azsess prints reads as az's.
 */
export interface AzAccount {
  environmentName: string;
  /** A subscription's (with managedByTenants and the tenant's name and domain); a tenant-level account has none, as in az. */
  homeTenantId?: string;
  /** The subscription id; a tenant-level account's is its tenant id. */
  id: string;
  isDefault: boolean;
  managedByTenants?: Array<{ tenantId: string }>;
  name: string;
  state: string;
  tenantDefaultDomain?: string;
  tenantDisplayName?: string;
  tenantId: string;
  user: AzUser;
}

/**
 * Who signed in: a person (`user`) or an app (`servicePrincipal`), as az names them. A managed
 * identity is `systemAssignedIdentity` or `userAssignedIdentity`, which one az's
 * `assignedIdentityInfo` says (`MSI`, `MSIClient-<id>`, `MSIObject-<id>`, `MSIResource-<id>`).
 */
export interface AzUser {
  assignedIdentityInfo?: string;
  name: string;
  type: 'user' | 'servicePrincipal';
}

/** The user in az's key order. */
function userFields(user: AzUser): AzUser {
  return { ...(user.assignedIdentityInfo ? { assignedIdentityInfo: user.assignedIdentityInfo } : {}), name: user.name, type: user.type };
}

/** What az names an account that stands for a tenant without subscriptions (`--allow-no-subscriptions`). */
export const tenantLevelName = 'N/A(tenant level account)';

/** The tenant's name and domain, as ARM's /tenants lists them. */
export interface TenantDetails {
  tenantId: string;
  displayName?: string;
  defaultDomain?: string;
}

/** az's environment names of the clouds, by login host. */
const environments: Record<string, string> = {
  'login.microsoftonline.com': 'AzureCloud',
  'login.microsoftonline.us': 'AzureUSGovernment',
  'login.chinacloudapi.cn': 'AzureChinaCloud',
};

/** The environment name of an authority (`https://login.microsoftonline.us`); another host is AzureCloud, as az's default. */
export function environmentNameOf(authority: string): string {
  try {
    return environments[new URL(authority).host.toLowerCase()] ?? 'AzureCloud';
  } catch {
    return 'AzureCloud';
  }
}

/** An account in az's key order, with a tenant's name and domain when they are known. */
export function azAccount(fields: Omit<AzAccount, 'tenantDefaultDomain' | 'tenantDisplayName'>, tenant?: TenantDetails): AzAccount {
  return {
    environmentName: fields.environmentName,
    ...(fields.homeTenantId !== undefined ? { homeTenantId: fields.homeTenantId } : {}),
    id: fields.id,
    isDefault: fields.isDefault,
    ...(fields.managedByTenants !== undefined ? { managedByTenants: fields.managedByTenants } : {}),
    name: fields.name,
    state: fields.state,
    ...(tenant?.defaultDomain ? { tenantDefaultDomain: tenant.defaultDomain } : {}),
    ...(tenant?.displayName ? { tenantDisplayName: tenant.displayName } : {}),
    tenantId: fields.tenantId,
    user: userFields(fields.user),
  };
}

/**
 * The account az keeps for a tenant in which the person sees no subscription: only the keys its
 * `_normalize_properties` gives one (no home tenant, managing tenants, or the tenant's name).
 */
export function tenantLevelAccount(tenant: Pick<TenantDetails, 'tenantId'>, user: AzUser, environmentName: string): AzAccount {
  return azAccount({ environmentName, id: tenant.tenantId, isDefault: false, name: tenantLevelName, state: 'Enabled', tenantId: tenant.tenantId, user });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** An account read from a file (ours or azureProfile.json); undefined when it lacks an id, a tenant or a user. */
export function parseAzAccount(value: unknown): AzAccount | undefined {
  if (!isRecord(value) || !isRecord(value.user)) return undefined;
  const id = text(value.id);
  const tenantId = text(value.tenantId);
  const name = text(value.user.name);
  if (!id || !tenantId || !name) return undefined;
  const managed = Array.isArray(value.managedByTenants) ? value.managedByTenants : [];
  return azAccount(
    {
      environmentName: text(value.environmentName) || 'AzureCloud',
      homeTenantId: text(value.homeTenantId) || tenantId,
      id,
      isDefault: value.isDefault === true,
      managedByTenants: managed.filter(isRecord).map((m) => ({ tenantId: text(m.tenantId) })).filter((m) => m.tenantId !== ''),
      name: text(value.name),
      state: text(value.state) || 'Enabled',
      tenantId,
      user: userFields({
        name,
        type: value.user.type === 'servicePrincipal' ? 'servicePrincipal' : 'user',
        ...(text(value.user.assignedIdentityInfo) ? { assignedIdentityInfo: text(value.user.assignedIdentityInfo) } : {}),
      }),
    },
    { tenantId, displayName: text(value.tenantDisplayName), defaultDomain: text(value.tenantDefaultDomain) },
  );
}

/** Whether an account is this person's (UPNs compare without case, as Entra does; two managed identities by az's info). */
export function isAccountOf(account: AzAccount, user: AzUser): boolean {
  return (
    account.user.type === user.type &&
    account.user.name.toLowerCase() === user.name.toLowerCase() &&
    (account.user.assignedIdentityInfo ?? '').toLowerCase() === (user.assignedIdentityInfo ?? '').toLowerCase()
  );
}
