import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZURE_CLI_CLIENT_ID } from '../idp/index.js';

/**
 * The Azure CLI's directory (AZURE_CONFIG_DIR) as az 2.30+ writes it on Linux, for `azsess import
 * az`: msal_token_cache.json in MSAL Python's schema (msal/token_cache.py of MSAL Python 1.21, as
 * Debian ships it: `json.dumps(indent=4)`, lower-case keys `<home_account_id>-<environment>-<kind>-
 * <client_id>-<realm>-<target>` with an empty realm for refresh tokens, times as epoch strings)
 * and azureProfile.json with its UTF-8 byte-order mark (az writes it with `utf-8-sig`).
 */

export interface AzSignIn {
  username: string;
  oid: string;
  homeTenant: string;
  /** Tenants az has an Account entry for (the home tenant first). */
  realms: string[];
  /** MSAL's `environment`: the login host, with its port for the test IdP. */
  environment: string;
  refreshToken: string;
  accessToken?: string;
  idToken?: string;
  /** A family (FOCI) token, as az's sign-ins get: `family_id: "1"`. */
  family?: boolean;
}

export interface AzProfileEntry {
  id: string;
  name: string;
  tenantId: string;
  homeTenantId?: string;
  isDefault: boolean;
  user: { name: string; type: 'user' | 'servicePrincipal' };
  tenantDisplayName?: string;
  tenantDefaultDomain?: string;
}

function msalCache(signIns: readonly AzSignIn[]): Record<string, Record<string, Record<string, string>>> {
  const cache = { AccessToken: {}, Account: {}, IdToken: {}, RefreshToken: {}, AppMetadata: {} } as Record<string, Record<string, Record<string, string>>>;
  const now = Math.floor(Date.now() / 1000);
  for (const s of signIns) {
    const home = `${s.oid}.${s.homeTenant}`;
    const env = s.environment;
    for (const realm of s.realms) {
      cache.Account![`${home}-${env}-${realm}`.toLowerCase()] = {
        home_account_id: home, environment: env, realm, local_account_id: s.oid, username: s.username, authority_type: 'MSSTS',
      };
      if (s.idToken) {
        cache.IdToken![`${home}-${env}-idtoken-${AZURE_CLI_CLIENT_ID}-${realm}-`.toLowerCase()] = {
          credential_type: 'IdToken', secret: s.idToken, home_account_id: home, environment: env, realm, client_id: AZURE_CLI_CLIENT_ID,
        };
      }
    }
    if (s.accessToken) {
      const target = 'https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default';
      cache.AccessToken![`${home}-${env}-accesstoken-${AZURE_CLI_CLIENT_ID}-${s.homeTenant}-${target}`.toLowerCase()] = {
        credential_type: 'AccessToken', secret: s.accessToken, home_account_id: home, environment: env, client_id: AZURE_CLI_CLIENT_ID,
        target, realm: s.homeTenant, token_type: 'Bearer', cached_at: String(now - 7200), expires_on: String(now - 3600), extended_expires_on: String(now - 3600),
      };
    }
    const target = 'https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default';
    cache.RefreshToken![`${home}-${env}-refreshtoken-${AZURE_CLI_CLIENT_ID}--${target}`.toLowerCase()] = {
      credential_type: 'RefreshToken', secret: s.refreshToken, home_account_id: home, environment: env, client_id: AZURE_CLI_CLIENT_ID, target,
      last_modification_time: String(now - 7200), ...(s.family === false ? {} : { family_id: '1' }),
    };
    cache.AppMetadata![`appmetadata-${env}-${AZURE_CLI_CLIENT_ID}`] = { client_id: AZURE_CLI_CLIENT_ID, environment: env, family_id: '1' };
  }
  return cache;
}

/** An az account object (azureProfile.json's `subscriptions`), keys as az writes them. */
function profileEntry(e: AzProfileEntry): Record<string, unknown> {
  return {
    id: e.id, name: e.name, state: 'Enabled', user: e.user, isDefault: e.isDefault, tenantId: e.tenantId, environmentName: 'AzureCloud',
    homeTenantId: e.homeTenantId ?? e.tenantId, ...(e.tenantDisplayName ? { tenantDisplayName: e.tenantDisplayName } : {}),
    ...(e.tenantDefaultDomain ? { tenantDefaultDomain: e.tenantDefaultDomain } : {}), managedByTenants: [],
  };
}

/** Writes az's two files (and its config, which azsess ignores) into `dir`, made 0700 as az does. */
export function writeAzConfig(dir: string, signIns: readonly AzSignIn[], profile: readonly AzProfileEntry[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'msal_token_cache.json'), JSON.stringify(msalCache(signIns), null, 4), { mode: 0o600 });
  const text = JSON.stringify({ installationId: '7e57a2c1-0000-4000-8000-0000000000a2', subscriptions: profile.map(profileEntry) });
  writeFileSync(join(dir, 'azureProfile.json'), `\ufeff${text}`, { mode: 0o600 });
  writeFileSync(join(dir, 'az.sess'), '{"previous_subscription": null}');
  writeFileSync(join(dir, 'config'), '[cloud]\nname = AzureCloud\n\n[core]\ncollect_telemetry = no\n');
  chmodSync(dir, 0o700);
}

/** Every file of `dir` with its mode, size, mtime and a hash of its bytes: what "unchanged" means. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = statSync(path);
    out[name] = `${(st.mode & 0o7777).toString(8)} ${st.size} ${st.mtimeMs} ${st.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'dir'}`;
  }
  return out;
}
