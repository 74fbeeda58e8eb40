import type { Session } from '../domain/session.js';
import { localTimestamp } from '../output/token-formats.js';
import type { AzValue } from './az-output.js';
import { tenantOf } from './az-session-account.js';

/**
 * `az account get-access-token`'s result (az 2.54 and later), key for key: `expires_on` an integer
 * (Go and .NET read it as int64), `expiresOn` naive local time (Terraform reads only that, and
 * older Python SDKs). `subscription`: the account's (the one asked for, else the default), else
 * the tenant id, as az shows for a tenant-level account.
 */
export function accessTokenResult(session: Session, subscription?: string): { [key: string]: AzValue } {
  const expiresOn = Math.floor(session.expiry.getTime() / 1000);
  const tenant = tenantOf(session);
  return {
    accessToken: session.token,
    expiresOn: localTimestamp(expiresOn),
    expires_on: expiresOn,
    subscription: subscription ?? tenant,
    tenant,
    tokenType: 'Bearer',
  };
}
