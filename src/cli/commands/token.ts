import { Command, Option } from 'commander';
import type { CloudName } from '../../core/authority.js';
import { findCachedToken } from '../../core/cache-lookup.js';
import { ConfigError } from '../../core/errors.js';
import type { ProtocolName } from '../../core/protocol-names.js';
import { readManifest } from '../../core/admin.js';
import { resolveSettings } from '../../core/settings.js';
import { buildTokenQuery, type TokenQuery } from '../../core/token-query.js';
import type { Session } from '../../core/session.js';
import {
  execCredentialVersions,
  formatAzJson,
  formatExecCredential,
  formatRaw,
  type OutputFormat,
} from '../../output/token-formats.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples, parseSeconds } from '../options.js';
import { startRuntime, type Runtime } from '../runtime.js';
import { addCredentialOptions, credentialInput, type CredentialOptions } from './credential-options.js';
import { addSignInOptions, type SignInOptions } from './sign-in-options.js';

export interface TokenOptions extends SignInOptions, CredentialOptions {
  resource?: string;
  offset?: number;
  minValidity?: number;
  output: OutputFormat;
  interactive?: boolean;
  serverId?: string;
}

/** The AKS server application: the default audience of `--output exec-credential`. */
export const aksServerId = '6dae42f8-4368-4678-94ff-3960e28e3630';

export function tokenCommand(ctx: CliContext): Command {
  const cmd = new Command('token')
    .description('print an access token on stdout: from the cache, else refreshed, else after a sign-in')
    .option('--resource <resource>', 'resource to get a token for, e.g. https://storage.azure.com/ (instead of --scope)')
    .option('--offset <seconds>', 'the token must stay valid this long (default: random 300-600)', parseSeconds('--offset'))
    .option('--min-validity <seconds>', 'alias of --offset', parseSeconds('--min-validity'))
    .addOption(
      new Option('--output <format>', 'raw (the token), json (as az account get-access-token), exec-credential (kubectl)')
        .choices(['raw', 'json', 'exec-credential'])
        .default('raw'),
    )
    .option('--interactive', 'allow a sign-in even when stderr is not a terminal')
    .option('--no-interactive', 'never ask a person to sign in: exit 3 instead')
    .option('--server-id <id>', `AKS server application id for --output exec-credential (default ${aksServerId})`);
  addSignInOptions(cmd, 60);
  addCredentialOptions(cmd);
  cmd.addHelpText(
    'after',
    examples(
      'export TOKEN=$(azsess token --scope https://storage.azure.com/.default)',
      'azsess token --protocol client-credentials --tenant contoso.onmicrosoft.com --client-id $APP --resource https://vault.azure.net',
      'azsess token --protocol vm --output json',
      'azsess token --output exec-credential   # as a kubectl exec plugin',
      'export TOKEN=$(azsess token --protocol federated --resource https://vault.azure.net)   # in CI, no secret',
    ),
  );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runToken(command.optsWithGlobals(), ctx));
}

interface ExecInfo {
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

async function queryFor(opts: TokenOptions, rt: Runtime, execInfo?: ExecInfo): Promise<TokenQuery> {
  const manifest = readManifest(rt.home.value);
  const settings = resolveSettings(settingFlags(opts), rt.ctx.env, manifest);
  return buildTokenQuery(settings, {
    ...(await credentialInput(opts, rt.ctx)),
    ...(opts.scope ? { scopes: opts.scope } : {}),
    ...(opts.resource ? { resource: opts.resource } : {}),
    identity: identityFlags(opts),
    ...(execInfo ? { defaultScope: `${opts.serverId ?? aksServerId}/.default` } : {}),
  });
}

export function settingFlags(opts: SignInOptions): {
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  authorityHost?: string;
  cloud?: CloudName;
} {
  return {
    ...(opts.protocol ? { protocol: opts.protocol } : {}),
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.authorityHost !== undefined ? { authorityHost: opts.authorityHost } : {}),
    ...(opts.cloud ? { cloud: opts.cloud } : {}),
  };
}

export function identityFlags(opts: SignInOptions) {
  return {
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.objectId ? { objectId: opts.objectId } : {}),
    ...(opts.msiResId ? { resourceId: opts.msiResId } : {}),
  };
}

function render(session: Session, format: OutputFormat, execInfo?: ExecInfo): string {
  if (format === 'json') return formatAzJson(session);
  if (format === 'exec-credential') return formatExecCredential(session, execInfo!.apiVersion, execInfo!.interactive);
  return formatRaw(session);
}

export async function runToken(opts: TokenOptions, ctx: CliContext): Promise<void> {
  const rt = startRuntime(ctx, opts, opts.timeout);
  const execInfo = opts.output === 'exec-credential' ? parseExecInfo(ctx.env.KUBERNETES_EXEC_INFO) : undefined;
  const query = await queryFor(opts, rt, execInfo);
  // AzSessions.jl's default: a random 5-10 minutes, so many machines do not all refresh at once.
  const offsetSeconds = opts.offset ?? opts.minValidity ?? 300 + Math.random() * 300;
  // A claims challenge means the cached token was refused: it is not used.
  if (!opts.clearCache && !query.claims) {
    const hit = await findCachedToken(query, offsetSeconds, rt.store, ctx.now());
    if (hit) {
      rt.log.verbose('Cache hit: no request made.');
      ctx.stdout.write(render(hit, opts.output, execInfo));
      return;
    }
  }
  const interactive =
    execInfo?.interactive === false ? false : opts.interactive ?? ctx.stderrIsTTY;
  const { acquireToken } = await import('../../core/engine.js');
  const { buildNetwork, interruptSignal } = await import('../network.js');
  const signal = interruptSignal();
  const session = await acquireToken(
    query,
    { offsetSeconds, interactive, clearCache: opts.clearCache === true, ...(opts.home ? { homeFlag: opts.home } : {}) },
    { store: rt.store, log: rt.log, now: ctx.now, network: () => buildNetwork(rt, signal) },
  );
  ctx.stdout.write(render(session, opts.output, execInfo));
}
