import type { Command } from 'commander';
import { isUserProtocol, shortProtocolName } from '../../domain/protocol-names.js';
import { decodeClaims } from '../../domain/jwt.js';
import { oidcScopes } from '../../domain/scopes.js';
import { defaultAuthority, type Session } from '../../domain/session.js';
import { signInNow } from '../../core/get-token.js';
import { resolveQuery } from '../../core/resolve-query.js';
import { relativeTime } from '../../output/status.js';
import type { CliContext } from '../context.js';
import { commandFrom } from '../command-builder.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { collectScopes } from '../option-parsers.js';
import { commonOptions, credentialOptions, signInOptions } from '../shared-options.js';
import { startRuntime } from '../runtime.js';
import { readCertificatePassword } from '../credential-input.js';

/** `azsess login`, as data (cli/option-spec.ts). */
export const loginSpec = {
  name: 'login',
  description: 'sign in now and record the session (app-only protocols: get and cache a token, which checks the setup)',
  options: [
    { flags: '--scope-auth <scope>', key: 'scopeAuth', help: 'also consent to this scope at sign-in, so later audiences need no new sign-in (repeatable)', parse: collectScopes },
    {
      flags: '--output <format>',
      key: 'output',
      help: 'text: a sentence on stderr; json: also who signed in on stdout (account, tenant, client_id, authority, protocol), never a token',
      choices: ['text', 'json'],
      default: 'text',
    },
    ...signInOptions,
    ...credentialOptions,
    ...commonOptions,
  ],
  examples: [
    'azsess login --protocol device-code --tenant contoso.onmicrosoft.com',
    'azsess login --scope https://storage.azure.com/user_impersonation --scope-auth https://vault.azure.net/user_impersonation',
    'azsess login --protocol client-credentials --tenant contoso.onmicrosoft.com --client-id $APP',
    'azsess login --protocol auth-code --login-hint alice@contoso.com   # in a browser on this machine',
    'azsess login --account bob@contoso.com --output json   # refused unless bob signs in',
  ],
} as const satisfies CommandSpec;

export type LoginOptions = OptionsOf<typeof loginSpec>;

export function loginCommand(ctx: CliContext): Command {
  return commandFrom(loginSpec, runLogin, ctx);
}

/** The tenant the token was issued in (its `tid`), else the one asked. */
function tenantOf(session: Session): string {
  const claims = decodeClaims(session.idToken) ?? decodeClaims(session.token);
  return typeof claims?.tid === 'string' ? claims.tid : session.tenant;
}

/** azure-identity's AuthenticationRecord: who signed in where, for tools that wrap azsess. */
export function authenticationRecord(session: Session): Record<string, string | null> {
  return {
    account: session.account ?? null,
    tenant: tenantOf(session),
    client_id: session.clientId,
    authority: session.authority ?? defaultAuthority,
    protocol: shortProtocolName(session.protocol),
  };
}

function summary(session: Session, now: Date): string {
  const tenant = tenantOf(session);
  const what = isUserProtocol(session.protocol)
    ? session.scope.filter((s) => !oidcScopes.has(s)).join(' ')
    : session.resource;
  const who = session.account ? `as ${session.account}` : isUserProtocol(session.protocol) ? '' : `as app ${session.clientId || 'managed identity'}`;
  const expires = `${session.expiry.toISOString().slice(0, 16).replace('T', ' ')} UTC (${relativeTime(Math.round((session.expiry.getTime() - now.getTime()) / 1000))})`;
  return `Signed in${who ? ` ${who}` : ''}${tenant ? ` in tenant ${tenant}` : ''} with ${shortProtocolName(session.protocol)} for ${what}; the token expires ${expires}.`;
}

export async function runLogin(opts: LoginOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts, { flag: opts.timeout });
  const certificatePassword = await readCertificatePassword(opts, ctx);
  const query = resolveQuery(opts, ctx.env, rt.home.value, certificatePassword !== undefined ? { certificatePassword } : {});
  const { signInChoices, startNetwork } = await import('../network.js');
  const session = await signInNow(query, {
    store: rt.store,
    log: rt.log,
    now: ctx.now,
    network: () => startNetwork(rt, signInChoices(opts)),
  });
  rt.log.info(summary(session, ctx.now()));
  if (opts.output === 'json') ctx.stdout.write(`${JSON.stringify(authenticationRecord(session))}\n`);
}
