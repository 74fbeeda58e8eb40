import { Command, Option } from 'commander';
import { isUserProtocol, shortProtocolName } from '../../core/protocol-names.js';
import { decodeClaims } from '../../core/jwt.js';
import { oidcScopes } from '../../core/scopes.js';
import { defaultAuthority, type Session } from '../../core/session.js';
import { signInNow } from '../../core/get-token.js';
import { resolveQuery } from '../../core/resolve-query.js';
import { relativeTime } from '../../output/status.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, collectScopes, examples } from '../options.js';
import { startRuntime } from '../runtime.js';
import { addCredentialOptions, readCertificatePassword, type CredentialOptions } from './credential-options.js';
import { addSignInOptions, type SignInOptions } from './sign-in-options.js';

export interface LoginOptions extends SignInOptions, CredentialOptions {
  scopeAuth?: string[];
  output?: 'text' | 'json';
}

export function loginCommand(ctx: CliContext): Command {
  const cmd = new Command('login')
    .description('sign in now and record the session (app-only protocols: get and cache a token, which checks the setup)')
    .option('--scope-auth <scope>', 'also consent to this scope at sign-in, so later audiences need no new sign-in (repeatable)', collectScopes)
    .addOption(
      new Option('--output <format>', 'text: a sentence on stderr; json: also who signed in on stdout (account, tenant, client_id, authority, protocol), never a token')
        .choices(['text', 'json'])
        .default('text'),
    );
  addSignInOptions(cmd);
  addCredentialOptions(cmd);
  cmd.addHelpText(
    'after',
    examples(
      'azsess login --protocol device-code --tenant contoso.onmicrosoft.com',
      'azsess login --scope https://storage.azure.com/.default --scope-auth https://vault.azure.net/user_impersonation',
      'azsess login --protocol client-credentials --tenant contoso.onmicrosoft.com --client-id $APP',
      'azsess login --protocol auth-code --login-hint alice@contoso.com   # in a browser on this machine',
      'azsess login --account bob@contoso.com --output json   # refused unless bob signs in'
    ),
  );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runLogin(command.optsWithGlobals(), ctx));
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
    network: () => startNetwork(rt, signInChoices(opts, ctx.argv)),
  });
  rt.log.info(summary(session, ctx.now()));
  if (opts.output === 'json') ctx.stdout.write(`${JSON.stringify(authenticationRecord(session))}\n`);
}
