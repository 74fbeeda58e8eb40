/**
 * The Azure CLI's MSAL token cache (msal_token_cache.json, MSAL's unencrypted schema): sections
 * `Account`, `RefreshToken`, `IdToken`, `AccessToken`, `AppMetadata`, each a map from a key to an
 * object with MSAL's snake_case fields. Only what an import needs is read: the accounts (who, in
 * which tenants) and the refresh tokens (whose secret azsess redeems itself).
 */

export interface MsalAccount {
  homeAccountId: string;
  /** The login host, e.g. `login.microsoftonline.com`. */
  environment: string;
  /** The tenant this entry of the account is for. */
  realm: string;
  /** The object id in that tenant. */
  localAccountId: string;
  username: string;
}

export interface MsalRefreshToken {
  homeAccountId: string;
  environment: string;
  clientId: string;
  /** `1` for a family (FOCI) token, which every first-party family client may redeem. */
  familyId: string;
  secret: string;
}

export interface MsalCache {
  accounts: MsalAccount[];
  refreshTokens: MsalRefreshToken[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function entries(data: Record<string, unknown>, section: string): Record<string, unknown>[] {
  const map = data[section];
  return isRecord(map) ? Object.values(map).filter(isRecord) : [];
}

/** The cache's accounts and refresh tokens; undefined when the text is not MSAL's JSON cache. */
export function parseMsalCache(json: string): MsalCache | undefined {
  let data: unknown;
  try {
    data = JSON.parse(json.charCodeAt(0) === 0xfeff ? json.slice(1) : json);
  } catch {
    return undefined;
  }
  if (!isRecord(data)) return undefined;
  const sections = ['Account', 'RefreshToken', 'IdToken', 'AccessToken', 'AppMetadata'];
  // Keys of a later schema are let be; a section that is not a map is not MSAL's cache.
  if (sections.some((s) => s in data && !isRecord(data[s]))) return undefined;
  const accounts = entries(data, 'Account')
    .map((a) => ({
      homeAccountId: text(a.home_account_id),
      environment: text(a.environment),
      realm: text(a.realm),
      localAccountId: text(a.local_account_id),
      username: text(a.username),
    }))
    .filter((a) => a.homeAccountId && a.environment && a.realm && a.username);
  const refreshTokens = entries(data, 'RefreshToken')
    .filter((t) => text(t.credential_type).toLowerCase() === 'refreshtoken')
    .map((t) => ({
      homeAccountId: text(t.home_account_id),
      environment: text(t.environment),
      clientId: text(t.client_id),
      familyId: text(t.family_id),
      secret: text(t.secret),
    }))
    .filter((t) => t.homeAccountId && t.environment && t.secret);
  return { accounts, refreshTokens };
}
