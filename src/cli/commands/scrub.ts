import { Command } from 'commander';
import { scrubSecrets } from '../../core/admin.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples } from '../options.js';
import { startRuntime, type CommonOptions } from '../runtime.js';

export interface ScrubOptions extends CommonOptions {
  manifest?: boolean;
}

export function scrubCommand(ctx: CliContext): Command {
  const cmd = new Command('scrub')
    .description("blank every stored token, refresh token, id token and client secret, keeping the sessions (AzSessions.jl's scrub!)")
    .option('--manifest', "also blank the manifest's client_secret")
    .addHelpText('after', examples('azsess scrub', 'azsess scrub --manifest && tar czf azsessions.tgz ~/.azsessions'));
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runScrub(command.optsWithGlobals(), ctx));
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
