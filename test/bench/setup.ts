import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDeviceCodeApproval } from '../support/idp-session.js';
import { azsessBin, dockerHelperBin } from '../support/paths.js';
import { startIdpProcess, type RemoteIdp } from './idp-process.js';
import { timeRun } from './measure.js';

/** Everything the benchmark runs against: the test IdP, a signed-in home, the helpers primed. */
export interface BenchWorld {
  idp: RemoteIdp;
  userHome: string;
  home: string;
  env: Record<string, string>;
  /** The `az` of `azsess setup az`. */
  azLink: string;
  /** What git sends a credential helper, and the registry docker asks about. */
  gitInput: string;
  registry: string;
  close(): Promise<void>;
}

/**
 * An /oauth2/exchange that answers as ACR does, for the docker helper's first call; every later
 * call of the benchmark is a cache hit that never reaches it.
 */
function startExchange(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    const claims = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3 * 3600 })).toString('base64url');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ refresh_token: `eyJhbGciOiJub25lIn0.${claims}.` }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function prime(args: string[], env: Record<string, string>, input?: string, bin = azsessBin): Promise<void> {
  const run = await timeRun({ cmd: process.execPath, args: [bin, ...args], env, ...(input ? { input } : {}) });
  if (run.code !== 0) throw new Error(`priming ${args.join(' ')} failed with exit ${run.code}`);
}

export async function setUpWorld(): Promise<BenchWorld> {
  const idp = await startIdpProcess();
  const exchange = await startExchange();
  const registry = `127.0.0.1:${(exchange.address() as AddressInfo).port}`;
  const userHome = mkdtempSync(join(tmpdir(), 'azsess-bench-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: userHome,
    AZURE_AUTHORITY_HOST: idp.url,
    AZURE_TENANT_ID: idp.tenantId,
    AZURE_CLIENT_ID: idp.publicClientId,
    AZSESS_ACR_HOSTS: registry,
  };
  // Consent up front to what git and docker will ask for, as a user of the helpers would.
  // (and az's default resource, ARM by its older URI: the test IdP's client is not the Azure CLI's).
  // Named permissions: Entra takes a /.default only on its own in a sign-in.
  const consent = ['499b84ac-1321-427f-aa17-267ca6975798/user_impersonation', 'https://containerregistry.azure.net/user_impersonation', 'https://management.core.windows.net//user_impersonation'];
  const signIn = await withDeviceCodeApproval(idp as unknown as Parameters<typeof withDeviceCodeApproval>[0], ['login', '--protocol', 'device-code', ...consent.flatMap((s) => ['--scope-auth', s])], { userHome, env });
  if (signIn.code !== 0) throw new Error(`sign-in failed: ${signIn.stderr}`);
  const gitInput = 'protocol=https\nhost=dev.azure.com\n\n';
  await prime(['token'], env);
  await prime(['git-credential', 'get'], env, gitInput);
  await prime(['get'], env, registry, dockerHelperBin);
  await prime(['setup', 'az'], env);
  await prime(['az', 'account', 'get-access-token'], env);
  return {
    idp,
    userHome,
    home: join(userHome, '.azsessions'),
    env,
    azLink: join(userHome, '.azsessions', 'bin', 'az'),
    gitInput,
    registry,
    close: async () => {
      exchange.close();
      await idp.close();
      rmSync(userHome, { recursive: true, force: true });
    },
  };
}
