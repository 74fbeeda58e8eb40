import { ConfigError } from '../domain/errors.js';
import { decodeClaims } from '../domain/jwt.js';
import type { Session } from '../domain/session.js';

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

export interface ExecInfo {
  apiVersion: string;
  interactive?: boolean;
}

/** kubectl tells its exec plugins what it expects in KUBERNETES_EXEC_INFO; v1beta1 when unset, as kubelogin does. */
export function parseExecInfo(value: string | undefined): ExecInfo {
  if (!value) return { apiVersion: 'client.authentication.k8s.io/v1beta1' };
  let info: { apiVersion?: unknown; spec?: { interactive?: unknown } };
  try {
    info = JSON.parse(value) as typeof info;
  } catch {
    throw new ConfigError('KUBERNETES_EXEC_INFO is not JSON; it is set by kubectl, so run azsess from kubectl or unset it.');
  }
  const apiVersion = typeof info?.apiVersion === 'string' ? info.apiVersion : 'client.authentication.k8s.io/v1beta1';
  if (!(execCredentialVersions as readonly string[]).includes(apiVersion)) {
    throw new ConfigError(`KUBERNETES_EXEC_INFO asks for ${apiVersion}; azsess writes ${execCredentialVersions.join(', ')}.`);
  }
  const interactive = info?.spec?.interactive;
  return typeof interactive === 'boolean' ? { apiVersion, interactive } : { apiVersion };
}

/** The text `azsess token` prints for a session in a format. */
export function renderToken(session: Session, format: OutputFormat, execInfo?: ExecInfo): string {
  if (format === 'json') return formatAzJson(session);
  if (format === 'exec-credential') {
    const info = execInfo ?? { apiVersion: 'client.authentication.k8s.io/v1beta1' };
    return formatExecCredential(session, info.apiVersion, info.interactive);
  }
  return formatRaw(session);
}
