import type { Command } from 'commander';
import { scrubSecrets } from '../../core/admin.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { startRuntime } from '../runtime.js';
import { commonOptions } from '../shared-options.js';

/** `azsess scrub`, as data (cli/option-spec.ts). */
export const scrubSpec = {
  name: 'scrub',
  description: "blank every stored token, refresh token, id token and client secret, keeping the sessions (AzSessions.jl's scrub!)",
  options: [{ flags: '--manifest', key: 'manifest', help: "also blank the manifest's client_secret" }, ...commonOptions],
  examples: ['azsess scrub', 'azsess scrub --manifest && tar czf azsessions.tgz ~/.azsessions'],
} as const satisfies CommandSpec;

export type ScrubOptions = OptionsOf<typeof scrubSpec>;

export function scrubCommand(ctx: CliContext): Command {
  return commandFrom(scrubSpec, runScrub, ctx);
}

export async function runScrub(opts: ScrubOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  const { report, manifestSecretBlanked } = await scrubSecrets(opts.manifest === true, rt.store);
  const parts = Object.entries(report.fields)
    .filter(([, n]) => n > 0)
    .map(([field, n]) => `${n} ${field}${n === 1 ? '' : 's'}`);
  const sessions = `${report.sessions} session${report.sessions === 1 ? '' : 's'}`;
  rt.log.info(parts.length > 0 ? `Blanked ${parts.join(', ')} in ${sessions}.` : 'No session held a token or secret to blank.');
  if (report.registries > 0) {
    rt.log.info(`Blanked the cached token${report.registries === 1 ? '' : 's'} of ${report.registries} container registr${report.registries === 1 ? 'y' : 'ies'}.`);
  }
  if (opts.manifest) {
    rt.log.info(manifestSecretBlanked ? "Blanked the manifest's client_secret." : 'The manifest had no client_secret to blank.');
  }
}
