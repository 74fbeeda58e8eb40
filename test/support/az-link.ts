import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestIdp } from '../idp/index.js';
import { runCli, type CliResult } from './run-cli.js';
import { runCommand } from './run-command.js';

/** What the az entry's tests share: the link written by `azsess setup az`, and how to run it. */

/**
 * azsess pointed at the test IdP with its default client, the Azure CLI's own first-party app
 * (pre-authorised for every resource, as in Entra): no AZURE_CLIENT_ID.
 */
export function azIdpEnv(idp: TestIdp, extra: Record<string, string> = {}): Record<string, string> {
  return { AZURE_AUTHORITY_HOST: idp.url, AZURE_TENANT_ID: idp.tenantId, ...extra };
}

/** `azsess setup az` into `<home>/bin` (or `dir`); fails the test unless it worked. */
export async function setupAzLink(userHome: string, dir?: string): Promise<{ dir: string; result: CliResult }> {
  const result = await runCli(['setup', 'az', ...(dir ? ['--dir', dir] : [])], { userHome });
  if (result.code !== 0) throw new Error(`azsess setup az exited ${result.code}: ${result.stderr}`);
  return { dir: dir ?? join(userHome, '.azsessions', 'bin'), result };
}

/**
 * The environment a tool runs az with: PATH starting at the link's directory (then /usr/bin:/bin,
 * no node), HOME, and the test IdP as azsess's login host.
 */
export function azToolEnv(idp: TestIdp, userHome: string, linkDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: `${linkDir}:/usr/bin:/bin`, HOME: userHome, LANG: 'C.UTF-8', ...azIdpEnv(idp), ...extra };
}

/** A command line run as the callers run az: through /bin/sh -c, from /bin. */
export function runAzThroughShell(command: string, env: Record<string, string>): Promise<CliResult> {
  return runCommand('/bin/sh', ['-c', command], { env, cwd: '/bin' });
}

/** A stand-in for the Azure CLI further down PATH: prints its arguments, exits 7. */
export function fakeAzureCli(dir: string): string {
  const path = join(dir, 'az');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\necho "azure-cli got: $*"\nexit 7\n');
  chmodSync(path, 0o755);
  return path;
}
