import type { Command } from 'commander';
import { azureCliClientId } from '../../az/az-import.js';
import { importAzSessions } from '../../az/az-import-run.js';
import { commandFrom, groupFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { startRuntime } from '../runtime.js';
import { commonOptions } from '../shared-options.js';

/** `azsess import az`, as data (cli/option-spec.ts). */
export const importAzSpec = {
  name: 'az',
  description: "make azsess sessions from the Azure CLI's sign-in (its refresh tokens) and subscriptions, without a new sign-in; az's files are only read",
  options: [{ flags: '--config-dir <dir>', key: 'configDir', help: "the Azure CLI's directory (default: $AZURE_CONFIG_DIR, else ~/.azure)" }, ...commonOptions],
  examples: ['azsess import az', 'azsess import az --config-dir /mnt/old-laptop/.azure', 'azsess import az && azsess token --scope https://storage.azure.com/.default'],
} as const satisfies CommandSpec;

export type ImportAzOptions = OptionsOf<typeof importAzSpec>;

/** `azsess import ...`, as data: sign-ins of other tools made azsess's. */
export const importSpec = {
  name: 'import',
  description: "take over another tool's sign-in: the Azure CLI's (az)",
  options: [],
  examples: ['azsess import az'],
} as const satisfies CommandSpec;

export function importCommand(ctx: CliContext): Command {
  return groupFrom(importSpec, [commandFrom(importAzSpec, runImportAz, ctx)]);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function runImportAz(opts: ImportAzOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  const input = { ...(opts.configDir !== undefined ? { configDir: opts.configDir } : {}), env: ctx.env, homedir: ctx.homedir };
  const report = await importAzSessions(input, rt.store, (person) =>
    rt.log.info(
      `Imported the Azure CLI's sign-in of ${person.name} (${plural(person.tenants, 'tenant')}, ${plural(person.subscriptions, 'subscription')}) from ${person.dir}; ` +
        `azsess token now refreshes with it, with no new sign-in.`,
    ),
  );
  if (report.servicePrincipals > 0) {
    rt.log.info(`Left out ${plural(report.servicePrincipals, 'service principal')} az has signed in: sign them in with azsess (--protocol client-credentials), az's secrets stay az's.`);
  }
  const clientId = report.clientId;
  if (clientId.value.toLowerCase() !== azureCliClientId) {
    rt.log.warn(`The sessions are for the Azure CLI's client ${azureCliClientId}, not ${clientId.value} (${clientId.origin}); give --client-id ${azureCliClientId} to use them.`);
  }
}
