import { Command } from 'commander';
import { ConfigError } from '../../domain/errors.js';
import { describeKubectlUser, kubectlSetupCommands, kubectlUserName, type KubectlSetup } from '../../helpers/kubectl-config.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples } from '../options.js';
import { runTool } from '../run-tool.js';
import { startRuntime } from '../runtime.js';
import { selfCommand } from '../self-command.js';
import { aksServerId } from '../token-lookup.js';
import { addHelperSettingOptions, helperSettingArgs, type HelperSettingOptions } from './helper-settings.js';

export interface SetupKubectlOptions extends HelperSettingOptions {
  context?: string;
  serverId?: string;
}

export function setupKubectlCommand(ctx: CliContext): Command {
  const cmd = new Command('kubectl')
    .description('make kubectl get AKS tokens from azsess: an exec credential plugin for a kubeconfig context')
    .option('--context <name>', 'the kubeconfig context (default: the current one)')
    .option('--server-id <id>', `AKS server application id (default ${aksServerId})`);
  addHelperSettingOptions(cmd);
  cmd.addHelpText(
    'after',
    examples('azsess setup kubectl --context my-aks-cluster', 'KUBECONFIG=~/.kube/aks.yaml azsess setup kubectl --tenant contoso.onmicrosoft.com'),
  );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runSetupKubectl(command.optsWithGlobals(), ctx));
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
