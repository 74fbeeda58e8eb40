import type { Command } from 'commander';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import { gitCredentialSpec } from './git-credential-spec.js';
import { runGitCredential } from './git-credential-run.js';

export function gitCredentialCommand(ctx: CliContext): Command {
  return commandFrom(gitCredentialSpec, runGitCredential, ctx);
}
