import { decodeClaims } from '../core/jwt.js';
import type { Session } from '../core/session.js';

/** The product of `azsess token`, pure: a session in, the text for stdout out. */

export type OutputFormat = 'raw' | 'json' | 'exec-credential';

/** The token and a newline, for `$(azsess token)`. */
export function formatRaw(session: Session): string {
  return `${session.token}\n`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in local time, as Python's datetime.fromtimestamp prints it. */
export function localTimestamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.000000`
  );
}

/** What `az account get-access-token` prints, key for key (without the subscription). */
export function formatAzJson(session: Session): string {
  const expiresOn = Math.floor(session.expiry.getTime() / 1000);
  const tid = decodeClaims(session.token)?.tid;
  const out = {
    accessToken: session.token,
    expiresOn: localTimestamp(expiresOn),
    expires_on: expiresOn,
    tenant: typeof tid === 'string' && tid ? tid : session.tenant,
    tokenType: 'Bearer',
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

export const execCredentialVersions = [
  'client.authentication.k8s.io/v1beta1',
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1alpha1',
] as const;

/** A kubectl ExecCredential with the token and its expiry in RFC 3339 UTC. */
export function formatExecCredential(session: Session, apiVersion: string, interactive?: boolean): string {
  const out = {
    kind: 'ExecCredential',
    apiVersion,
    spec: interactive === undefined ? {} : { interactive },
    status: {
      expirationTimestamp: session.expiry.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      token: session.token,
    },
  };
  return `${JSON.stringify(out)}\n`;
}
