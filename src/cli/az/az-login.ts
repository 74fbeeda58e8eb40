import type { AzGlobalArgs } from '../../az/az-args.js';
import type { AzLoginArgs } from '../../az/az-login-args.js';
import type { AzUser } from '../../domain/az-account.js';
import type { AzValue } from '../../az/az-output.js';
import { parseClaimsArgument } from '../../domain/claims.js';
import { ConfigError } from '../../domain/errors.js';
import { lookupProtocol } from '../../domain/protocol-names.js';
import { removeAzSubscriptions } from '../../store/az-subscriptions.js';
import { planBrowser } from '../browser.js';
import type { CliContext } from '../context.js';
import { parseTenant } from '../option-parsers.js';
import { startRuntime } from '../runtime.js';
import { tokenSession } from '../commands/token-run.js';
import type { LoginOptions } from '../commands/login.js';
import { defaultsOf } from '../option-spec.js';
import { azTokenOptions } from './az-access-token.js';
import { azAccountList, refreshFromArm, signedInPerson } from './az-accounts.js';

/**
 * `az login` (a person's sign-in) and `az logout` over azsess's sessions: the sign-in is
 * `azsess login`'s, in a browser when one can open here, else (or with --use-device-code) by a
 * device code; then the subscriptions are listed from ARM, as az does, and printed.
 */
export async function azLogin(args: AzLoginArgs, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  // A tool runs az without a terminal: it must never wait for a person who cannot see the prompt.
  if (!ctx.stderrIsTTY) {
    throw new ConfigError("Signing in with az login needs a terminal to show the person the sign-in, and this run has none; run it in a terminal, or use 'azsess login'.");
  }
  const tenant = args.tenant === undefined ? undefined : parseTenant(args.tenant);
  if (args.claimsChallenge !== undefined) return stepUp(args.claimsChallenge, args.scope, tenant, global, ctx);
  const protocol = lookupProtocol(args.useDeviceCode || planBrowser(ctx.env, ctx.platform, false).kind === 'show' ? 'device-code' : 'auth-code')!;
  const { loginSpec, runLogin } = await import('../commands/login.js');
  await runLogin(
    // login's own defaults (its spec), then az's choice of protocol and what it was given.
    { ...(defaultsOf(loginSpec.options) as Pick<LoginOptions, 'promptFormat'>), protocol, output: 'text', ...(tenant ? { tenant } : {}), ...(args.scope ? { scope: [args.scope] } : {}), ...(global.verbose ? { verbose: true } : {}) },
    ctx,
  );
  const person = await signedInPerson(global, ctx, tenant);
  const accounts = await refreshFromArm(person, global, ctx, { ...(tenant ? { tenant } : {}), allowNoSubscriptions: args.allowNoSubscriptions });
  return accounts as unknown as AzValue;
}

/**
 * `az login --claims-challenge C --scope S [--tenant T]`, as an SDK's message asks for it: a token
 * for S carrying the claims (a refresh that asks for them, else a sign-in that does), kept, so
 * the next `get-access-token` for S answers with it. Prints the person's accounts, as a login.
 */
async function stepUp(challenge: string, scope: string | undefined, tenant: string | undefined, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const claims = parseClaimsArgument(challenge);
  const opts = azTokenOptions({ ...(tenant ? { tenant } : {}), ...(scope ? { scopes: [scope] } : {}) }, global, ctx);
  await tokenSession({ ...opts, claims, interactive: true }, ctx);
  return azAccountList({ all: false, refresh: false }, global, ctx);
}

/**
 * `az logout [--username U]`: that person's sessions (the signed-in one's without --username) and
 * kept subscriptions go, each file replaced whole under its lock. Prints nothing, as az.
 */
export async function azLogout(username: string | undefined, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const user: AzUser = username !== undefined ? { name: username, type: 'user' } : (await signedInPerson(global, ctx)).user;
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  const { clearCache } = await import('../../core/admin.js');
  const selector = user.type === 'user' ? { account: user.name } : { clientId: user.name };
  const { sessions } = await clearCache(selector, rt.store);
  const subscriptions = await removeAzSubscriptions(rt.home.value, rt.store, user);
  if (sessions === 0 && subscriptions === 0) {
    throw new ConfigError(`No session of '${user.name}' to sign out: that account is not signed in here; see who is with 'azsess status'.`);
  }
  return null;
}
