import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A text as read, without the UTF-8 byte-order mark some editors put first (JSON.parse refuses it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Owner read and write only: the files hold tokens. */
export const fileMode = 0o600;

const tmpMarker = '.tmp-';

/** Removes a temp file of ours; a lock-taker's clean-up may have removed it already. */
function removeTemp(tmp: string): void {
  try {
    unlinkSync(tmp);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Where a write to `path` lands: the file a symbolic link names (people share one sessions.json
 * that way, and a rename over the link would silently make it a file of its own), else `path`.
 */
export function landingPath(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
  } catch {
    return path;
  }
  try {
    return realpathSync(path);
  } catch {
    // A link to a file not made yet: make that file.
    return resolve(dirname(path), readlinkSync(path));
  }
}

/**
 * Replaces `path` (through a symbolic link: the file it names) with `text` so that readers see the old file or the new one, never a part:
 * temp file in the same directory, fsync, rename, then fsync the directory so the rename
 * survives a power cut. `mode` is the new file's (owner read and write unless said otherwise).
 * `beforeRename` may throw to abandon the write at the last moment (the lock is no longer ours).
 */
export function writeFileAtomically(linkOrPath: string, text: string, mode: number = fileMode, beforeRename?: () => void): void {
  const path = landingPath(linkOrPath);
  // pid + random is unique enough: 'wx' refuses to reuse a name, and node:crypto costs start-up time.
  const tmp = `${path}${tmpMarker}${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    fchmodSync(fd, mode); // a umask cannot widen it, but an odd one could narrow it
    const data = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    removeTemp(tmp);
    throw err;
  }
  closeSync(fd);
  try {
    beforeRename?.();
    renameSync(tmp, path);
  } catch (err) {
    removeTemp(tmp);
    throw err;
  }
  syncDirectory(dirname(path));
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms and file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Removes temp files that a writer killed mid-write left behind. Call it holding the file's lock,
 * so no live writer of ours owns them; `olderThanMs` spares any that a lock-stealer may be writing.
 */
export function removeStaleTempFiles(path: string, olderThanMs: number, now = Date.now()): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}${tmpMarker}`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const full = join(dir, name);
    try {
      if (now - statSync(full).mtimeMs > olderThanMs) unlinkSync(full);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}
