import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { examples } from '../options.js';
import { setupAzCommand } from './setup-az.js';
import { setupDockerCommand } from './setup-docker.js';
import { setupGitCommand } from './setup-git.js';
import { setupKubectlCommand } from './setup-kubectl.js';

/** `azsess setup git|docker|kubectl|az`: writes azsess into another tool's configuration. */
export function setupCommand(ctx: CliContext): Command {
  return new Command('setup')
    .description('configure git, docker, kubectl or the tools that run az to get their credentials from azsess')
    .addCommand(setupGitCommand(ctx))
    .addCommand(setupDockerCommand(ctx))
    .addCommand(setupKubectlCommand(ctx))
    .addCommand(setupAzCommand(ctx))
    .addHelpText(
      'after',
      examples('azsess setup git', 'azsess setup docker --registry myregistry.azurecr.io', 'azsess setup kubectl --context my-aks-cluster', 'azsess setup az'),
    );
}
