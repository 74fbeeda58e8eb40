import { AuthenticationError, ServiceError } from '../domain/errors.js';
import { decodeClaims } from '../domain/jwt.js';
import type { Sender } from '../http/retry.js';
import { azAccount, tenantLevelAccount, type AzAccount, type AzUser, type TenantDetails } from '../domain/az-account.js';

/**
 * What the Azure CLI asks Azure Resource Manager after a sign-in: the tenants the person sees
 * (`GET /tenants`), then each tenant's subscriptions with a token of that tenant
 * (`GET /subscriptions`), api-version 2022-12-01. Only through the shared HTTP client; a token
 * goes only to the ARM endpoint (a `nextLink` elsewhere is not followed).
 */

export const armApiVersion = '2022-12-01';

/** An ARM access token for a tenant (`organizations`: the person's home tenant). */
export type ArmTokenSource = (tenant: string) => Promise<string>;

export interface DiscoverInput {
  http: Sender;
  /** ARM's base URL (arm-endpoint.ts). */
  armEndpoint: string;
  armToken: ArmTokenSource;
  user: AzUser;
  environmentName: string;
  /** Only this tenant (`login --tenant`); else every tenant /tenants lists. */
  tenant?: string;
  /** A tenant-level account for every tenant without subscriptions (else only when none was found anywhere). */
  allowNoSubscriptions?: boolean;
}

export interface Discovered {
  /** In ARM's order, tenant by tenant; no default chosen yet (the store picks it). */
  accounts: AzAccount[];
  /** Tenants whose token or listing failed (MFA, Conditional Access): az warns and goes on. */
  skipped: Array<{ tenantId: string; reason: string }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** ARM's error body `{error: {code, message}}` in a few words. */
function armProblem(status: number, body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (error && typeof error.code === 'string') return `HTTP ${status} ${error.code}${typeof error.message === 'string' ? `: ${error.message}` : ''}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return `HTTP ${status}`;
}

/** Every item of a listing, following `nextLink` only while it stays on the ARM endpoint. */
async function listAll(http: Sender, armEndpoint: string, path: string, token: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const origin = new URL(armEndpoint).origin;
  let url: string | undefined = `${armEndpoint}${path}?api-version=${armApiVersion}`;
  for (let page = 0; url && page < 100; page++) {
    const res = await http.send({ method: 'GET', url, headers: { authorization: `Bearer ${token}` }, purpose: 'Azure Resource Manager' });
    const what = `Azure Resource Manager at ${new URL(url).host}`;
    if (res.status === 401) {
      throw new AuthenticationError(`${what} refused the token to list ${path.slice(1)} (${armProblem(res.status, res.body)}); sign in again.`);
    }
    if (res.status === 403) {
      // Signed in, not allowed: a new sign-in of the same identity would meet the same answer.
      throw new AuthenticationError(`${what} does not let this identity list ${path.slice(1)} (${armProblem(res.status, res.body)}); check its role assignments, or sign in as another.`);
    }
    if (res.status !== 200) throw new ServiceError(`${what} could not list ${path.slice(1)} (${armProblem(res.status, res.body)}); try again later.`);
    let data: unknown;
    try {
      data = JSON.parse(res.body);
    } catch {
      data = undefined;
    }
    if (!isRecord(data) || !Array.isArray(data.value)) throw new ServiceError(`${what} answered its ${path.slice(1)} listing with something that is not ARM's JSON; check AZSESS_ARM_ENDPOINT.`);
    items.push(...data.value.filter(isRecord));
    const next = text(data.nextLink);
    url = next && URL.canParse(next) && new URL(next).origin === origin ? next : undefined;
  }
  return items;
}

/** The tenants the token's person sees, with their names and domains. */
export async function listTenants(http: Sender, armEndpoint: string, token: string): Promise<TenantDetails[]> {
  const items = await listAll(http, armEndpoint, '/tenants', token);
  return items
    .map((t) => ({ tenantId: text(t.tenantId), displayName: text(t.displayName), defaultDomain: text(t.defaultDomain) }))
    .filter((t) => t.tenantId !== '');
}

/** One tenant's subscriptions as az accounts (no default yet). */
export async function listSubscriptions(http: Sender, armEndpoint: string, token: string, tenant: TenantDetails, user: AzUser, environmentName: string): Promise<AzAccount[]> {
  const items = await listAll(http, armEndpoint, '/subscriptions', token);
  return items
    .filter((s) => text(s.subscriptionId) !== '')
    .map((s) =>
      azAccount(
        {
          environmentName,
          // ARM's `tenantId` of a subscription is its home tenant; az lists it under the tenant asked.
          homeTenantId: text(s.tenantId) || tenant.tenantId,
          id: text(s.subscriptionId),
          isDefault: false,
          managedByTenants: (Array.isArray(s.managedByTenants) ? s.managedByTenants : []).filter(isRecord).map((m) => ({ tenantId: text(m.tenantId) })),
          name: text(s.displayName),
          state: text(s.state) || 'Enabled',
          tenantId: tenant.tenantId,
          user,
        },
        tenant,
      ),
    );
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The person's accounts, as `az login` finds them: the tenants (with a home-tenant token), then
 * each tenant's subscriptions with that tenant's token. A tenant whose token or listing fails is
 * skipped and reported; without any subscription, tenant-level accounts stand for the tenants.
 */
export async function discoverAccounts(input: DiscoverInput): Promise<Discovered> {
  const { http, armEndpoint, user, environmentName } = input;
  const first = await input.armToken(input.tenant ?? 'organizations');
  const listed = await listTenants(http, armEndpoint, first);
  const asked = input.tenant?.toLowerCase();
  // A tenant named by domain that /tenants does not list is the one the token is of (its `tid`).
  const tid = decodeClaims(first)?.tid;
  const tenants = asked
    ? [listed.find((t) => t.tenantId.toLowerCase() === asked || t.defaultDomain?.toLowerCase() === asked) ?? { tenantId: typeof tid === 'string' && tid ? tid : input.tenant! }]
    : listed;
  const accounts: AzAccount[] = [];
  const skipped: Discovered['skipped'] = [];
  const empty: TenantDetails[] = [];
  for (const tenant of tenants) {
    let found: AzAccount[];
    try {
      const token = input.tenant ? first : await input.armToken(tenant.tenantId);
      found = await listSubscriptions(http, armEndpoint, token, tenant, user, environmentName);
    } catch (err) {
      if (input.tenant) throw err;
      skipped.push({ tenantId: tenant.tenantId, reason: reasonOf(err) });
      continue;
    }
    if (found.length === 0) empty.push(tenant);
    accounts.push(...found);
  }
  if (input.allowNoSubscriptions || accounts.length === 0) {
    for (const tenant of empty) accounts.push(tenantLevelAccount(tenant, user, environmentName));
  }
  return { accounts, skipped };
}
