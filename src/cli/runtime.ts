import { resolve } from 'node:path';
import { ConfigError } from '../domain/errors.js';
import { resolveHome, type Resolved } from '../core/settings.js';
import { permissionWarning } from '../store/home.js';
import { raiseTimeoutFlag, raiseTimeoutVariable } from '../domain/deadline-advice.js';
import type { CliContext } from './context.js';
import { createLog, ensureColours, type CliLog } from './render.js';

/** Options every command gets (commonOptions in cli/shared-options.ts). */
export interface CommonOptions {
  home?: string;
  verbose?: boolean;
}

export interface Runtime {
  ctx: CliContext;
  log: CliLog;
  home: Resolved<string>;
  /** Epoch ms by which waiting (for a lock, for the network) must end. */
  deadline: number;
  /** How the deadline is raised, as the command takes it (network give-ups say it). */
  raiseDeadline: string;
  /** What the store and admin calls need. */
  store: { home: string; deadline: number; log: CliLog; now: () => Date; staleLockMs?: number };
}

/** Default bound on a command's non-interactive work, in seconds (`--timeout`, AZSESS_TIMEOUT). */
export const defaultTimeoutSeconds = 60;

/** AZSESS_TIMEOUT: the deadline of commands run without --timeout (and of the docker helper, which has no flags). */
function timeoutFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return defaultTimeoutSeconds;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(`AZSESS_TIMEOUT must be a number of seconds above 0, not "${value.slice(0, 20)}"; fix or unset it.`);
  }
  return seconds;
}

/**
 * What each command needs before it starts: its stderr voice, the home, a deadline, and the
 * warning about an open home said once. `timeout` is given by the commands that take --timeout
 * (its value, if any); the others' deadline is AZSESS_TIMEOUT's alone.
 */
export async function startRuntime(ctx: CliContext, options: CommonOptions, timeout?: { flag: number | undefined }): Promise<Runtime> {
  const timeoutSeconds = timeout?.flag;
  const log = createLog(ctx, options.verbose === true);
  if (options.verbose) await ensureColours(ctx);
  const home = resolveHome(options.home, ctx.env, ctx.homedir, (p) => resolve(p));
  log.verbose(`Home: ${home.value} (from ${home.origin}).`);
  const warning = permissionWarning(home.value, ctx.platform);
  if (warning) {
    await ensureColours(ctx);
    log.warn(warning);
  }
  const deadline = ctx.now().getTime() + (timeoutSeconds ?? timeoutFromEnv(ctx.env.AZSESS_TIMEOUT)) * 1000;
  const staleLockMs = lockStaleMs(ctx.env);
  return {
    ctx,
    log,
    home,
    deadline,
    raiseDeadline: timeout ? raiseTimeoutFlag : raiseTimeoutVariable,
    store: { home: home.value, deadline, log, now: ctx.now, ...(staleLockMs ? { staleLockMs } : {}) },
  };
}

/** AZSESS_LOCK_STALE_SECONDS: how long a crashed process's lock blocks others (shared homes may want more). */
function lockStaleMs(env: CliContext['env']): number | undefined {
  const value = Number(env.AZSESS_LOCK_STALE_SECONDS);
  return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}
