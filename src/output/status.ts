import { accountsOf } from '../domain/accounts.js';
import { isUserProtocol, shortProtocolName, type ProtocolName } from '../domain/protocol-names.js';
import { defaultAuthority, resourceOf, type Session } from '../domain/session.js';
import type { RegistryToken } from '../core/registry-tokens.js';
import type { Resolved, Settings } from '../core/settings.js';
import { sealedKey } from '../store/sealed-secrets.js';

/** One stored session as status shows it: never a token or a secret. */
export interface SessionSummary {
  protocol: ProtocolName;
  tenant: string;
  client_id: string;
  account?: string;
  account_oid?: string;
  scope?: string[];
  resource?: string;
  authority?: string;
  /** azsess's own settings of the session: a managed identity's id, a federated token source, `cae`. */
  options?: Record<string, string>;
  expiry: string;
  expires_in_seconds: number;
  /** false once scrubbed: the expiry then belongs to a token that is gone. */
  access_token: boolean;
  refresh_token: boolean;
  /** Its secrets are sealed and were not opened (`status` with a keychain it cannot use). */
  sealed?: true;
}

/** A cached container registry token as status shows it: never the token. */
export interface RegistrySummary {
  server: string;
  username: string;
  expiry: string;
  expires_in_seconds: number;
  refresh_token: boolean;
}

/** A person signed in to an app (protocol, authority, client, tenant); `default` marks whose token answers without --account. */
export interface AccountSummary {
  account?: string;
  account_oid?: string;
  protocol: ProtocolName;
  tenant: string;
  client_id: string;
  authority?: string;
  default: boolean;
}

export interface StatusReport {
  home: Resolved<string>;
  settings: Record<string, Resolved<string>>;
  accounts: AccountSummary[];
  sessions: SessionSummary[];
  registries: RegistrySummary[];
}

function summariseRegistry(token: RegistryToken, now: Date): RegistrySummary {
  return {
    server: token.server,
    username: token.username,
    expiry: token.expiry.toISOString(),
    expires_in_seconds: Math.round((token.expiry.getTime() - now.getTime()) / 1000),
    refresh_token: token.refreshToken !== '',
  };
}

export function summariseSession(session: Session, now: Date): SessionSummary {
  const summary: SessionSummary = {
    protocol: session.protocol,
    tenant: session.tenant,
    client_id: session.clientId,
    expiry: session.expiry.toISOString(),
    expires_in_seconds: Math.round((session.expiry.getTime() - now.getTime()) / 1000),
    access_token: session.token !== '',
    refresh_token: session.refreshToken !== '',
  };
  if (sealedKey in session.extra) summary.sealed = true;
  if (session.account) summary.account = session.account;
  if (session.accountOid) summary.account_oid = session.accountOid;
  if (isUserProtocol(session.protocol)) summary.scope = session.scope;
  const resource = resourceOf(session);
  if (resource) summary.resource = resource;
  if (session.authority) summary.authority = session.authority;
  if (session.options && Object.keys(session.options).length > 0) summary.options = session.options;
  return summary;
}

/** The accounts of each app people signed in to, the default of each first. */
export function summariseAccounts(sessions: readonly Session[]): AccountSummary[] {
  const out: AccountSummary[] = [];
  const seen = new Set<string>();
  for (const s of sessions.filter((x) => isUserProtocol(x.protocol))) {
    const app = { protocol: s.protocol, clientId: s.clientId, tenant: s.tenant, authority: s.authority ?? '' };
    const key = JSON.stringify([app.protocol, app.authority, app.clientId.toLowerCase(), app.tenant.toLowerCase()]);
    if (seen.has(key)) continue;
    seen.add(key);
    const here = sessions.filter((x) => x.tenant.toLowerCase() === s.tenant.toLowerCase());
    accountsOf(here, { ...app, authority: s.authority ?? defaultAuthority }).forEach((account, i) => {
      out.push({
        ...(account.upn ? { account: account.upn } : {}),
        ...(account.oid ? { account_oid: account.oid } : {}),
        protocol: s.protocol,
        tenant: s.tenant,
        client_id: s.clientId,
        ...(s.authority ? { authority: s.authority } : {}),
        default: i === 0,
      });
    });
  }
  return out;
}

export function buildStatusReport(
  home: Resolved<string>,
  settings: Settings,
  sessions: Session[],
  now: Date,
  registries: readonly RegistryToken[] = [],
): StatusReport {
  const secret = settings.clientSecret;
  return {
    home,
    settings: {
      protocol: settings.protocol,
      tenant: settings.tenant,
      client_id: settings.clientId,
      client_secret: { ...secret, value: secret.value ? 'set' : 'not set' },
      authority_host: settings.authority,
      account: { ...settings.account, value: settings.account.value ?? 'the last to sign in' },
    },
    accounts: summariseAccounts(sessions),
    sessions: sessions.map((s) => summariseSession(s, now)),
    registries: registries.map((t) => summariseRegistry(t, now)),
  };
}

/** "in 42 min", "3 h ago": enough to see at a glance what needs a refresh. */
export function relativeTime(seconds: number): string {
  const abs = Math.abs(seconds);
  const amount =
    abs < 90 ? `${abs} s` : abs < 90 * 60 ? `${Math.round(abs / 60)} min` : abs < 48 * 3600 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} days`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

function source(r: Resolved<string>): string {
  return r.source === 'default' ? 'default' : `${r.source}: ${r.origin}`;
}

/** The human form of the report. */
export function formatStatusText(report: StatusReport): string {
  const lines = [`home            ${report.home.value} (${source(report.home)})`];
  const labels: Record<string, string> = {
    protocol: 'protocol',
    tenant: 'tenant',
    client_id: 'client id',
    client_secret: 'client secret',
    authority_host: 'authority host',
    account: 'account',
  };
  for (const [key, value] of Object.entries(report.settings)) {
    lines.push(`${(labels[key] ?? key).padEnd(16)}${value.value} (${source(value)})`);
  }
  if (report.accounts.length > 0) lines.push('', `Accounts (${report.accounts.length}; * marks the default of its app and tenant):`);
  for (const a of report.accounts) {
    const name = `${a.account ?? a.account_oid ?? 'unknown account'}${a.default ? ' (default)' : ''}`;
    lines.push(`  ${a.default ? '*' : ' '} ${name}  ${shortProtocolName(a.protocol)}, tenant ${a.tenant}, client ${a.client_id}`);
  }
  lines.push('', report.sessions.length === 0 ? 'No stored sessions.' : `Sessions (${report.sessions.length}):`);
  for (const s of report.sessions) {
    const what = s.resource ?? s.scope?.join(' ') ?? '';
    const who = [s.account, s.tenant && `tenant ${s.tenant}`, s.client_id && `client ${s.client_id}`].filter(Boolean).join(', ');
    const expiry = `${s.expiry.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC')} (${relativeTime(s.expires_in_seconds)})`;
    lines.push(`  ${shortProtocolName(s.protocol)}  ${what}`);
    if (who) lines.push(`      ${who}`);
    if (s.options) lines.push(`      ${Object.entries(s.options).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    if (s.sealed) lines.push(`      expires ${expiry}, secrets sealed (the keychain cannot open them now)`);
    else lines.push(`      ${s.access_token ? `expires ${expiry}` : 'no access token (scrubbed)'}, refresh token: ${s.refresh_token ? 'yes' : 'no'}`);
  }
  if (report.registries.length > 0) lines.push('', `Container registry tokens (${report.registries.length}):`);
  for (const r of report.registries) {
    const state = r.refresh_token ? `expires ${r.expiry.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} (${relativeTime(r.expires_in_seconds)})` : 'blanked';
    lines.push(`  ${r.server}  ${state}`);
  }
  return `${lines.join('\n')}\n`;
}
