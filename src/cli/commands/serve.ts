import type { Command } from 'commander';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import { serveSpec } from './serve-spec.js';
import { runServe } from './serve-run.js';

export function serveCommand(ctx: CliContext): Command {
  return commandFrom(serveSpec, runServe, ctx);
}
