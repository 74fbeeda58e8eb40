import type { Command } from 'commander';
import { updateManifest } from '../../core/admin.js';
import { UsageError } from '../../domain/errors.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { readSecretLine } from '../read-secret.js';
import { tokenStoreOf } from '../../store/manifest.js';
import { switchTokenStore } from '../../store/token-store.js';
import { startRuntime } from '../runtime.js';
import { clientIdOption, commonOptions, protocolOption, tenantOption } from '../shared-options.js';

/** `azsess write-manifest`, as data (cli/option-spec.ts). */
export const writeManifestSpec = {
  name: 'write-manifest',
  description: "write ~/.azsessions/manifest.json (AzSessions.jl's write_manifest): the defaults for sign-in",
  options: [
    clientIdOption(),
    tenantOption,
    protocolOption('default protocol'),
    { flags: '--client-secret <secret>', key: 'clientSecret', help: 'client secret (visible in the process list: prefer --client-secret-stdin)' },
    { flags: '--client-secret-stdin', key: 'clientSecretStdin', help: 'read the client secret from one line of stdin' },
    { flags: '--reset', key: 'reset', help: 'start from an empty manifest instead of updating the current one' },
    {
      flags: '--token-store <store>',
      key: 'tokenStore',
      help: 'where secrets rest: file (0600 files, the default) or keychain (sealed with a key in the OS keychain); converts what is stored',
      choices: ['file', 'keychain'],
    },
    ...commonOptions,
  ],
  examples: [
    'azsess write-manifest --tenant contoso.onmicrosoft.com --client-id 8f6c2b0e-3b7a-4c55-9f0d-1a2b3c4d5e6f',
    'azsess write-manifest --protocol client-credentials --client-secret-stdin < secret.txt',
    'azsess write-manifest --reset --protocol device-code',
    'azsess write-manifest --token-store keychain',
  ],
} as const satisfies CommandSpec;

export type WriteManifestOptions = OptionsOf<typeof writeManifestSpec>;

export function writeManifestCommand(ctx: CliContext): Command {
  return commandFrom(writeManifestSpec, runWriteManifest, ctx);
}

export async function runWriteManifest(opts: WriteManifestOptions, ctx: CliContext): Promise<void> {
  if (opts.clientSecret !== undefined && opts.clientSecretStdin) {
    throw new UsageError('Give the client secret with --client-secret or --client-secret-stdin, not both.');
  }
  const rt = await startRuntime(ctx, opts);
  let secret = opts.clientSecret;
  if (secret !== undefined) {
    rt.log.warn('--client-secret puts the secret in the process list and your shell history; prefer --client-secret-stdin.');
  }
  if (opts.clientSecretStdin) {
    secret = await readSecretLine(ctx, 'Client secret: ');
    if (secret === '') throw new UsageError('--client-secret-stdin read an empty line; pipe the secret on one line of stdin.');
  }
  const store = opts.tokenStore;
  const write = () =>
    updateManifest(
      rt.home.value,
      (current) => ({
        ...current,
        ...(opts.clientId !== undefined ? { client_id: opts.clientId } : {}),
        ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
        ...(opts.protocol !== undefined ? { protocol: opts.protocol } : {}),
        ...(secret !== undefined ? { client_secret: secret } : {}),
        ...(store !== undefined ? { extra: { ...current.extra, token_store: store } } : {}),
      }),
      { ...rt.store, reset: opts.reset === true },
    );
  const written = store === undefined ? await write() : await switchTokenStore(rt.home.value, store, { ...rt.store }, write);
  const show = (v: string) => (v === '' ? '(not set)' : v);
  rt.log.info(
    `Wrote ${rt.home.value}/manifest.json: client_id ${show(written.client_id)}, tenant ${show(written.tenant)}, ` +
      `protocol ${show(written.protocol)}, client secret ${written.client_secret === '' ? 'not set' : 'set'}, ` +
      `secrets in ${tokenStoreOf(written) === 'keychain' ? 'the keychain' : 'files'}.`,
  );
}
