import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../domain/errors.js';

/** Owner only: the directory holds tokens and secrets. */
export const dirMode = 0o700;

export const manifestFileName = 'manifest.json';
export const sessionsFileName = 'sessions.json';
/** The Azure CLI's accounts of the people signed in (store/az-subscriptions.ts): no token. */
export const azSubscriptionsFileName = 'az-subscriptions.json';
/** The app or managed identity `az login --service-principal/--identity` signed in (store/az-login-read.ts). */
export const azLoginFileName = 'az-login.json';
/** The federated token `az login --federated-token` was given, as a token file (store/az-login.ts). */
export const azFederatedTokenFileName = 'az-federated-token';

export function manifestPath(home: string): string {
  return join(home, manifestFileName);
}

export function sessionsPath(home: string): string {
  return join(home, sessionsFileName);
}

/**
 * Makes `dir` and its missing parents, one by one. Node's recursive mkdir retries forever where
 * mkdir answers ENOENT for a parent that exists (under /proc); this walk fails instead.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: dirMode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Creates the home (and missing parents) owner-only; an existing one is left as it is. */
export function ensureHome(home: string): void {
  try {
    makeDirs(home);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `a parent directory is not writable (${code})` : `the file system refused it (${code})`;
    throw new ConfigError(`Cannot create the azsess home ${home}: ${why}; choose another with --home or AZSESSIONS_HOME.`, {
      cause: err,
    });
  }
  let stat;
  try {
    stat = statSync(home);
  } catch (err) {
    throw new ConfigError(`Cannot use the azsess home ${home} (${(err as NodeJS.ErrnoException).code ?? 'error'}); choose another with --home or AZSESSIONS_HOME.`, { cause: err });
  }
  if (!stat.isDirectory()) {
    throw new ConfigError(`The azsess home ${home} is not a directory; choose another with --home or AZSESSIONS_HOME.`);
  }
}

function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * One sentence naming the chmod that closes the home and its files to group and others, or
 * undefined when they are closed already (or the home does not exist yet). POSIX modes only.
 */
export function permissionWarning(home: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  let dirOpen: boolean;
  try {
    dirOpen = (statSync(home).mode & 0o077) !== 0;
  } catch {
    return undefined;
  }
  const openFiles: string[] = [];
  for (const name of safeReaddir(home)) {
    if (name.endsWith('.lock')) continue;
    try {
      const stat = statSync(join(home, name));
      if (stat.isFile() && (stat.mode & 0o077) !== 0) openFiles.push(join(home, name));
    } catch {
      // Removed meanwhile by another process.
    }
  }
  if (!dirOpen && openFiles.length === 0) return undefined;
  const fixes: string[] = [];
  if (dirOpen) fixes.push(`chmod 700 ${shellQuote(home)}`);
  if (openFiles.length > 0) fixes.push(`chmod 600 ${openFiles.map(shellQuote).join(' ')}`);
  const what = dirOpen && openFiles.length > 0 ? `${home} and files in it are` : dirOpen ? `${home} is` : `files in ${home} are`;
  return `${what} open to other users, and ${whatTheyHold(dirOpen, openFiles)}; fix it with: ${fixes.join(' && ')}`;
}

/** Why an open file matters, said of the files that are open: the manifest holds no tokens. */
function whatTheyHold(dirOpen: boolean, openFiles: readonly string[]): string {
  const names = new Set(openFiles.map((f) => basename(f)));
  const reasons: string[] = [];
  if (dirOpen || [...names].some((n) => n !== manifestFileName && n !== azSubscriptionsFileName)) reasons.push(`${sessionsFileName} holds tokens`);
  if (dirOpen || names.has(manifestFileName)) reasons.push('the manifest may hold a client secret');
  if (names.has(azSubscriptionsFileName)) reasons.push(`${azSubscriptionsFileName} names your subscriptions`);
  return reasons.join(' and ');
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * A file of the home that may be missing, as most homes miss the az entry's: its text, or
 * undefined when there is none (asking first spares a cache hit the error a read would make).
 * Any other trouble is one sentence ending in `advice`.
 */
export function readOptionalFile(path: string, advice: string): string | undefined {
  try {
    if (!statSync(path, { throwIfNoEntry: false })) return undefined;
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`Cannot read ${path} (${code ?? 'error'}); ${advice}.`, { cause: err });
  }
}
