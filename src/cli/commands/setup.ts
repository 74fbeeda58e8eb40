import type { Command } from 'commander';
import { groupFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec } from '../option-spec.js';
import { setupAzCommand } from './setup-az.js';
import { setupDockerCommand } from './setup-docker.js';
import { setupGitCommand } from './setup-git.js';
import { setupKubectlCommand } from './setup-kubectl.js';

/** `azsess setup git|docker|kubectl|az`, as data: each subcommand has its own spec. */
export const setupSpec = {
  name: 'setup',
  description: 'configure git, docker, kubectl or the tools that run az to get their credentials from azsess',
  options: [],
  examples: ['azsess setup git', 'azsess setup docker --registry myregistry.azurecr.io', 'azsess setup kubectl --context my-aks-cluster', 'azsess setup az'],
} as const satisfies CommandSpec;

/** `azsess setup`: writes azsess into another tool's configuration. */
export function setupCommand(ctx: CliContext): Command {
  return groupFrom(setupSpec, [setupGitCommand(ctx), setupDockerCommand(ctx), setupKubectlCommand(ctx), setupAzCommand(ctx)]);
}
