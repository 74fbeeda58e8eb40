import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The lock directory `<target>.lock` holds one empty file named after its holder: a token unique
 * to one acquisition. proper-lockfile's own lock is an empty directory that anyone may rmdir, so a
 * process that judged a lock stale could remove a fresh one that replaced it meanwhile (its stat
 * and its rmdir are two steps). With the holder named inside, every removal says whom it removes:
 * unlink(<lock>/<token>) can only ever remove the holder it meant, and the rmdir of the emptied
 * directory fails on anyone else's lock. A lock appears whole, token inside, by one rename.
 */

export interface Holder {
  token: string;
  mtimeMs: number;
}

type ErrnoCode = string | undefined;
const codeOf = (err: unknown): ErrnoCode => (err as NodeJS.ErrnoException).code;

function errno(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${path}`), { code, path });
}

/** A token for one acquisition: unique enough across processes and machines sharing a home. */
export function newToken(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The lock's holder, or undefined when it is free (no directory, or one left empty by a crash). */
export function readHolder(lock: string): Holder | undefined {
  // A holder may leave between readdir and stat: look again, a few times at most.
  for (let attempt = 0; attempt < 3; attempt++) {
    let names: string[];
    try {
      names = readdirSync(lock);
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return undefined;
      throw err;
    }
    const token = names[0];
    if (token === undefined) return undefined;
    try {
      return { token, mtimeMs: statSync(join(lock, token)).mtimeMs };
    } catch (err) {
      if (codeOf(err) !== 'ENOENT') throw err;
    }
  }
  return undefined;
}

/**
 * Makes `token` the holder, atomically: a directory staged beside the lock, token inside, renamed
 * onto the lock's name. False when another holder has it (a non-empty directory is never replaced).
 */
export function publish(lock: string, token: string): boolean {
  const staging = `${lock}.${token}`;
  mkdirSync(staging, { mode: 0o700 });
  try {
    writeFileSync(join(staging, token), '', { flag: 'wx', mode: 0o600 });
    renameSync(staging, lock);
    return true;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    const code = codeOf(err);
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    // Windows refuses to rename onto any directory that exists.
    if ((code === 'EPERM' || code === 'EACCES') && existsSync(lock)) return false;
    throw err;
  }
}

/** Removes a lock directory left empty (a crash between unlink and rmdir): it holds no one. */
export function clearEmpty(lock: string): void {
  try {
    rmdirSync(lock);
  } catch {
    // Absent (as usual), or someone holds it (not empty): nothing to clear.
  }
}

/** Removes `token`'s hold; true when it still held the lock. Never removes another holder. */
export function removeHolder(lock: string, token: string): boolean {
  let removed = true;
  try {
    unlinkSync(join(lock, token));
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw err;
    removed = false;
  }
  try {
    rmdirSync(lock);
  } catch (err) {
    // Another holder's lock (not empty) or already gone: not ours to remove.
    if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(codeOf(err) ?? '')) throw err;
  }
  return removed;
}

/** A holder that stopped refreshing (dead), or whose clock is far ahead of ours (a shared home). */
export function isStale(holder: Holder, staleMs: number, now = Date.now()): boolean {
  return now - holder.mtimeMs >= staleMs || holder.mtimeMs - now > staleMs;
}

/** Removes directories that publishers killed mid-way left beside the lock. */
export function removeStaleStaging(lock: string, olderThanMs: number, now = Date.now()): void {
  const prefix = `${basename(lock)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(lock));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const full = join(dirname(lock), name);
    try {
      if (now - statSync(full).mtimeMs > olderThanMs) rmSync(full, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

type Callback = (err: NodeJS.ErrnoException | null, value?: unknown) => void;

function later(cb: Callback, fn: () => unknown): void {
  let value: unknown;
  try {
    value = fn();
  } catch (err) {
    setImmediate(cb, err as NodeJS.ErrnoException);
    return;
  }
  setImmediate(cb, null, value);
}

/**
 * The file-system calls proper-lockfile makes on the lock path, mapped onto the token lock: it
 * keeps the lock fresh, notices when it was taken over, and removes it on release and at exit,
 * always as `token`. Its own stale takeover removes only the holder it judged stale.
 */
export function tokenLockFs(lock: string, token: string, onRefresh: (mtimeMs: number) => void = () => undefined): object {
  let held = false;
  let seen: string | undefined;
  const ownOrSeen = () => (held ? token : seen);
  return {
    mkdir: (_path: string, cb: Callback) =>
      later(cb, () => {
        if (readHolder(lock)?.token !== token && !publish(lock, token)) throw errno('EEXIST', lock);
        held = true;
      }),
    stat: (_path: string, cb: Callback) =>
      later(cb, () => {
        seen = held ? token : readHolder(lock)?.token;
        if (seen === undefined) throw errno('ENOENT', lock);
        return statSync(join(lock, seen));
      }),
    utimes: (_path: string, atime: Date, mtime: Date, cb: Callback) =>
      later(cb, () => {
        const holder = join(lock, token);
        utimesSync(holder, atime, mtime);
        // Others judge staleness from this mtime: it tells how long the lock is surely ours. The
        // one stored, not the one asked for: a file system may keep less precision and round down.
        onRefresh(Math.min(mtime.getTime(), statSync(holder).mtimeMs));
      }),
    rmdir: (_path: string, cb: Callback) =>
      later(cb, () => {
        const whom = ownOrSeen();
        if (whom !== undefined) removeHolder(lock, whom);
      }),
    rmdirSync: () => {
      if (held) removeHolder(lock, token);
    },
  };
}
