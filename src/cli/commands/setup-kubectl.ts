import type { Command } from 'commander';
import { ConfigError } from '../../domain/errors.js';
import { describeKubectlUser, kubectlSetupCommands, kubectlUserName, type KubectlSetup } from '../../helpers/kubectl-config.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { runTool } from '../run-tool.js';
import { startRuntime } from '../runtime.js';
import { selfCommand } from '../self-command.js';
import { commonOptions, helperSettingOptions } from '../shared-options.js';
import { aksServerId } from '../token-lookup.js';
import { helperSettingArgs } from './helper-settings.js';

/** `azsess setup kubectl`, as data (cli/option-spec.ts): the settings it writes into the exec plugin's command. */
export const setupKubectlSpec = {
  name: 'kubectl',
  description: 'make kubectl get AKS tokens from azsess: an exec credential plugin for a kubeconfig context',
  options: [
    { flags: '--context <name>', key: 'context', help: 'the kubeconfig context (default: the current one)' },
    { flags: '--server-id <id>', key: 'serverId', help: `AKS server application id (default ${aksServerId})` },
    ...helperSettingOptions,
    ...commonOptions,
  ],
  examples: ['azsess setup kubectl --context my-aks-cluster', 'KUBECONFIG=~/.kube/aks.yaml azsess setup kubectl --tenant contoso.onmicrosoft.com'],
} as const satisfies CommandSpec;

export type SetupKubectlOptions = OptionsOf<typeof setupKubectlSpec>;

export function setupKubectlCommand(ctx: CliContext): Command {
  return commandFrom(setupKubectlSpec, runSetupKubectl, ctx);
}

async function chosenContext(opts: SetupKubectlOptions, ctx: CliContext): Promise<string> {
  if (opts.context) {
    const found = await runTool('kubectl', ['config', 'get-contexts', opts.context, '-o', 'name'], ctx, [0, 1]);
    if (found.code !== 0) {
      throw new ConfigError(`There is no kubectl context '${opts.context}' (KUBECONFIG, else ~/.kube/config); list them with kubectl config get-contexts.`);
    }
    return opts.context;
  }
  const current = await runTool('kubectl', ['config', 'current-context'], ctx, [0, 1]);
  const name = current.stdout.trim();
  if (current.code !== 0 || name === '') {
    throw new ConfigError('There is no current kubectl context; name one with --context (kubectl config get-contexts lists them).');
  }
  return name;
}

export async function runSetupKubectl(opts: SetupKubectlOptions, ctx: CliContext): Promise<void> {
  const rt = await startRuntime(ctx, opts);
  // The flags are checked (exit 2) before kubectl is asked anything.
  const settingArgs = helperSettingArgs(opts);
  const context = await chosenContext(opts, ctx);
  const help = await runTool('kubectl', ['config', 'set-credentials', '--help'], ctx);
  const setup: KubectlSetup = {
    context,
    command: selfCommand(ctx),
    extraArgs: [...(opts.serverId ? ['--server-id', opts.serverId] : []), ...settingArgs],
    interactiveModeFlag: help.stdout.includes('--exec-interactive-mode'),
  };
  for (const args of kubectlSetupCommands(setup)) await runTool('kubectl', args, ctx);
  rt.log.info(`Pointed kubectl context ${context} at the user ${kubectlUserName(context)}, which runs azsess:\n${describeKubectlUser(setup)}`);
}
