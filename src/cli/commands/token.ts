import type { Command } from 'commander';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import { tokenSpec } from './token-spec.js';
import { runToken } from './token-run.js';

export function tokenCommand(ctx: CliContext): Command {
  return commandFrom(tokenSpec, runToken, ctx);
}
