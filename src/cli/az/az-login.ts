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
import { defaultsOf } from '../option-spec.js';
import { azTokenOptions, azTokenOptionsAs, cloudOf } from './az-access-token.js';
import { azAccountList, refreshFromArm, signedInPerson } from './az-accounts.js';
import { environmentNameOfCloud, tenantOf, userOf } from '../../az/az-session-account.js';
import { readAzLogin, type AzLoginRecord } from '../../store/az-login-read.js';

/**
 * `az login` (a person's sign-in) and `az logout` over azsess's sessions: the sign-in is
 * `azsess login`'s, in a browser when one can open here, else (or with --use-device-code) by a
 * device code; then the subscriptions are listed from ARM, as az does, and printed.
 */
export async function azLogin(args: AzLoginArgs, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const tenant = args.tenant === undefined ? undefined : parseTenant(args.tenant);
  // An app or a managed identity signs in with no one watching: CI runs it so.
  if (args.app || args.identity) return appLogin(args, tenant, global, ctx);
  // A tool runs az without a terminal: it must never wait for a person who cannot see the prompt.
  if (!ctx.stderrIsTTY) {
    throw new ConfigError("Signing in with az login needs a terminal to show the person the sign-in, and this run has none; run it in a terminal, or use 'azsess login'.");
  }
  if (args.claimsChallenge !== undefined) return stepUp(args.claimsChallenge, args.scope, tenant, global, ctx);
  const protocol = lookupProtocol(args.useDeviceCode || planBrowser(ctx.env, ctx.platform, false).kind === 'show' ? 'device-code' : 'auth-code')!;
  const { loginSpec, runLogin } = await import('../commands/login.js');
  await runLogin(
    // login's own defaults (its spec), then az's choice of protocol and what it was given.
    { ...defaultsOf(loginSpec.options), protocol, output: 'text', ...(tenant ? { tenant } : {}), ...(args.scope ? { scope: [args.scope] } : {}), ...(global.verbose ? { verbose: true } : {}) },
    ctx,
  );
  // The person's session is saved: now the app or identity an earlier az login kept gives way.
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  const { removeAzLogin } = await import('../../store/az-login.js');
  await removeAzLogin(rt.home.value, rt.store);
  const person = await signedInPerson(global, ctx, tenant);
  const accounts = await refreshFromArm(person, global, ctx, { ...(tenant ? { tenant } : {}), allowNoSubscriptions: args.allowNoSubscriptions });
  return accounts as unknown as AzValue;
}

/** The record `az login --service-principal` or `--identity` keeps, from what it was given. */
function recordOf(args: AzLoginArgs, tenant: string | undefined, federatedTokenFile: string | undefined): AzLoginRecord {
  if (args.identity) return { kind: 'managed-identity', ...args.identity };
  const app = args.app!;
  const proof = app.certificate ? { certificate: app.certificate } : federatedTokenFile ? { federatedTokenFile } : { clientSecret: app.secret! };
  return { kind: 'service-principal', clientId: app.clientId, tenant: tenant!, ...proof };
}

/**
 * `az login --service-principal -u APP --tenant T (-p SECRET | --certificate PATH | --federated-token TOKEN)`
 * and `az login --identity [--client-id | --object-id | --resource-id ID]`: an ARM token as that
 * identity, then its subscriptions in the token's tenant listed from ARM and kept, and only then is
 * it kept as the az entry's identity (replacing the one before) and the list printed, as az does.
 */
async function appLogin(args: AzLoginArgs, tenant: string | undefined, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  const home = rt.home.value;
  const { removeFederatedToken, saveAzLogin, saveFederatedToken } = await import('../../store/az-login.js');
  const tokenFile = args.app?.federatedToken !== undefined ? saveFederatedToken(home, args.app.clientId, args.app.federatedToken) : undefined;
  const record = recordOf(args, tenant, tokenFile);
  let accounts;
  try {
    // A fresh token, never a kept one: the proof just given is the one tried.
    const { session } = await tokenSession({ ...(await azTokenOptionsAs(record, {}, global, ctx)), interactive: false, clearCache: true }, ctx);
    const person = { session, user: userOf(session), home, environmentName: environmentNameOfCloud(cloudOf(ctx)) };
    accounts = await refreshFromArm(person, global, ctx, { tenant: tenantOf(session), allowNoSubscriptions: args.allowNoSubscriptions, as: record });
  } catch (err) {
    // As az: a login that fails, at the token or at the listing, leaves the identity before it in place.
    if (tokenFile) removeFederatedToken(home, tokenFile);
    throw err;
  }
  await saveAzLogin(home, rt.store, record);
  return accounts as unknown as AzValue;
}

/**
 * `az login --claims-challenge C --scope S [--tenant T]`, as an SDK's message asks for it: a token
 * for S carrying the claims (a refresh that asks for them, else a sign-in that does), kept, so
 * the next `get-access-token` for S answers with it. Lists and prints the person's accounts, as a login.
 */
async function stepUp(challenge: string, scope: string | undefined, tenant: string | undefined, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  const claims = parseClaimsArgument(challenge, '--claims-challenge');
  const opts = await azTokenOptions({ ...(tenant ? { tenant } : {}), ...(scope ? { scopes: [scope] } : {}) }, global, ctx);
  await tokenSession({ ...opts, claims, interactive: true }, ctx);
  // As az login: the subscriptions are listed again.
  return azAccountList({ all: false, refresh: true }, global, ctx);
}

/**
 * `az logout [--username U]`: that person's or app's sessions (the signed-in one's without
 * --username) and kept subscriptions go, each file replaced whole under its lock, and the app or
 * identity az login kept when it is the one signing out. Prints nothing, as az.
 */
export async function azLogout(username: string | undefined, global: AzGlobalArgs, ctx: CliContext): Promise<AzValue> {
  // az matches --username against people and apps alike.
  const users: AzUser[] =
    username === undefined ? [(await signedInPerson(global, ctx)).user] : [{ name: username, type: 'user' }, { name: username, type: 'servicePrincipal' }];
  const rt = await startRuntime(ctx, { verbose: global.verbose });
  const home = rt.home.value;
  const { clearCache } = await import('../../core/admin.js');
  let removed = 0;
  for (const user of users) {
    // A managed identity's sessions are the machine's, not a sign-in: they stay.
    const selector = user.type === 'user' ? { account: user.name } : user.assignedIdentityInfo ? undefined : { clientId: user.name };
    if (selector) removed += (await clearCache(selector, rt.store)).sessions;
    removed += await removeAzSubscriptions(home, rt.store, user);
  }
  const login = readAzLogin(home);
  const keptSignsOut =
    login !== undefined &&
    (username === undefined ? users[0]!.type === 'servicePrincipal' : login.kind === 'service-principal' && login.clientId.toLowerCase() === username.toLowerCase());
  if (keptSignsOut) {
    const { removeAzLogin } = await import('../../store/az-login.js');
    if (await removeAzLogin(home, rt.store)) removed++;
  }
  if (removed === 0) {
    throw new ConfigError(`No session of '${username ?? users[0]!.name}' to sign out: that account is not signed in here; see who is with 'azsess status'.`);
  }
  return null;
}
