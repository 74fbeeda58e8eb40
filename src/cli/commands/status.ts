import { Command, Option } from 'commander';
import { loadState, selectorMatches } from '../../core/admin.js';
import type { CloudName } from '../../core/authority.js';
import type { ProtocolName } from '../../core/protocol-names.js';
import { registryTokensOf } from '../../core/registry-tokens.js';
import { querySettings } from '../../core/resolve-query.js';
import { buildStatusReport, formatStatusText } from '../../output/status.js';
import type { CliContext } from '../context.js';
import { accountOption, addCommonOptions, authorityOptions, clientIdOption, examples, protocolOption, tenantOption } from '../options.js';
import { startRuntime, type CommonOptions } from '../runtime.js';

export interface StatusOptions extends CommonOptions {
  output?: 'text' | 'json';
  protocol?: ProtocolName;
  tenant?: string;
  clientId?: string;
  authorityHost?: string;
  cloud?: CloudName;
  account?: string;
}

export function statusCommand(ctx: CliContext): Command {
  const cmd = new Command('status')
    .description('show the settings azsess would use, where each comes from, and the stored sessions (never a token)')
    .addOption(new Option('--output <format>', 'text for people, json for scripts').choices(['text', 'json']).default('text'))
    .addOption(protocolOption())
    .addOption(tenantOption())
    .addOption(clientIdOption())
    .addOption(accountOption());
  for (const option of authorityOptions()) cmd.addOption(option);
  cmd.addHelpText('after', examples('azsess status', 'azsess status --output json | jq .accounts', 'azsess status --account alice@contoso.com'));
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runStatus(command.optsWithGlobals(), ctx));
}

export async function runStatus(opts: StatusOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  const { manifest, doc } = await loadState(rt.store);
  const settings = querySettings(opts, ctx.env, manifest);
  // With an account asked for, only that person's sessions.
  const account = settings.account.value;
  const sessions = account ? doc.sessions.filter((s) => selectorMatches(s, { account })) : doc.sessions;
  const report = buildStatusReport(rt.home, settings, sessions, ctx.now(), registryTokensOf(doc));
  ctx.stdout.write(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatStatusText(report));
}
