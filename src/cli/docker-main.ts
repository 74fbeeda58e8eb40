import { accountOf } from '../domain/accounts.js';
import { withWantedAccount } from '../core/cache-lookup.js';
import { asSentence, AzsessError } from '../domain/errors.js';
import { decodeClaims } from '../domain/jwt.js';
import { redact } from '../domain/redact.js';
import {
  cachedRegistryToken,
  exchangeOnce,
  forgetRegistryToken,
  identityKey,
  listRegistryTokens,
} from '../core/registry-tokens.js';
import { resolveHelperQuery } from '../core/resolve-query.js';
import { resolveAccount } from '../core/settings.js';
import type { TokenQuery } from '../core/token-query.js';
import { acrCredential } from '../helpers/acr-credential.js';
import { acrScope } from '../helpers/acr-exchange.js';
import { handleDockerCommand, parseAcrHosts, type DockerHelperDeps } from '../helpers/docker-credential.js';
import { version } from '../domain/version.js';
import { processContext, type CliContext } from './context.js';
import { helperToken, lazyNetwork } from './helper-token.js';
import { readAll } from './read-input.js';
import { startRuntime, type Runtime } from './runtime.js';

/**
 * docker-credential-azsess: docker, podman and skopeo run it with the action as its only argument.
 * No commander here, and the network modules load only when a new ACR token is needed. Settings
 * come from the environment and the manifest, as for `azsess token`; AZSESS_VERBOSE=1 explains on
 * stderr.
 */

function dockerDeps(rt: Runtime): DockerHelperDeps {
  const env = rt.ctx.env;
  let query: TokenQuery | undefined;
  const acrQuery = () =>
    (query ??= resolveHelperQuery({}, env, rt.home.value, acrScope));
  const network = lazyNetwork(rt);
  return {
    acrHosts: parseAcrHosts(env.AZSESS_ACR_HOSTS),
    version,
    credentialFor: async (host) => {
      const { query: wanted, doc } = await withWantedAccount(acrQuery(), rt.store);
      const identity = identityKey(wanted);
      return acrCredential(host, {
        cached: (server) => cachedRegistryToken(server, { identity, account: wanted.account ?? {} }, rt.store, rt.ctx.now(), doc),
        entraToken: async () => {
          const session = await helperToken(rt, acrQuery(), network);
          const tid = decodeClaims(session.token)?.tid;
          // Whoever signed in at the prompt (maybe not the account looked up) owns the exchanged token.
          return { accessToken: session.token, tenant: typeof tid === 'string' && tid ? tid : session.tenant, account: accountOf(session) };
        },
        exchangeOnce: (server, username, account, exchange) =>
          exchangeOnce(server, { identity, account }, username, exchange, rt.store, rt.ctx.now),
        sender: async () => (await network()).http,
        now: rt.ctx.now,
        log: rt.log,
      });
    },
    erase: async (host) => {
      const removed = await forgetRegistryToken(host, rt.store);
      rt.log.verbose(removed ? `Dropped the cached token of ${host}.` : `No cached token for ${host}.`);
    },
    list: async () => Object.fromEntries((await listRegistryTokens(rt.store)).map((t) => [t.server, t.username])),
  };
}

/** Runs one helper call and returns its exit code: 0, or 1 with one line on stdout, as docker expects. */
export async function dockerMain(ctx: CliContext): Promise<number> {
  const verbose = ['1', 'true', 'yes'].includes((ctx.env.AZSESS_VERBOSE ?? '').toLowerCase());
  let rt: Runtime | undefined;
  try {
    rt = await startRuntime(ctx, { verbose });
    // A blank AZSESS_ACCOUNT is refused before any action, erase and list too.
    resolveAccount({}, ctx.env);
    const action = ctx.argv[2];
    const input = action === 'get' || action === 'erase' || action === 'store' ? await readAll(ctx) : '';
    const answer = await handleDockerCommand(action, input, dockerDeps(rt));
    ctx.stdout.write(answer.stdout);
    return answer.exitCode;
  } catch (err) {
    const known = err instanceof AzsessError;
    const message = err instanceof Error ? err.message : String(err);
    const line = known ? asSentence(message) : `unexpected failure: ${message}; run again with AZSESS_VERBOSE=1 and report it with that output.`;
    ctx.stdout.write(`${redact(line).replace(/\s*\n\s*/g, ' ')}\n`);
    if (verbose && err instanceof Error && err.stack) rt?.log.verbose(redact(err.stack));
    return 1;
  }
}

/** Entry point of bin/docker-credential-azsess.js. */
export async function run(): Promise<void> {
  process.exitCode = await dockerMain(processContext());
}
