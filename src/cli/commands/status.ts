import type { Command } from 'commander';
import { loadState, selectorMatches } from '../../core/admin.js';
import { registryTokensOf } from '../../core/registry-tokens.js';
import { querySettings } from '../../core/resolve-query.js';
import { buildStatusReport, formatStatusText } from '../../output/status.js';
import type { CliContext } from '../context.js';
import { commandFrom } from '../command-builder.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { startRuntime } from '../runtime.js';
import { accountOption, authorityOptions, clientIdOption, commonOptions, protocolOption, tenantOption } from '../shared-options.js';

/** `azsess status`, as data (cli/option-spec.ts). */
export const statusSpec = {
  name: 'status',
  description: 'show the settings azsess would use, where each comes from, and the stored sessions (never a token)',
  options: [
    { flags: '--output <format>', key: 'output', help: 'text for people, json for scripts', choices: ['text', 'json'], default: 'text' },
    protocolOption(),
    tenantOption,
    clientIdOption(),
    accountOption,
    ...authorityOptions,
    ...commonOptions,
  ],
  examples: ['azsess status', 'azsess status --output json | jq .accounts', 'azsess status --account alice@contoso.com'],
} as const satisfies CommandSpec;

export type StatusOptions = OptionsOf<typeof statusSpec>;

export function statusCommand(ctx: CliContext): Command {
  return commandFrom(statusSpec, runStatus, ctx);
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
