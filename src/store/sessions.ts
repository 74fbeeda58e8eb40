import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { landingPath, removeStaleTempFiles, stripBom } from './atomic-write.js';
import { ensureHome, sessionsPath } from './home.js';
import { guarded } from './storage-error.js';
import { acquireLock, isHeld, regainLock, staleLockMs, writeIfStillOurs, type HeldLock, type LockWait } from './lock.js';
import {
  emptyDocument,
  formatSessionsDocument,
  parseSessionsDocument,
  type ParseResult,
  type SessionsDocument,
} from './sessions-document.js';

export interface StoreOptions {
  /** Epoch ms after which waiting for the lock gives up. */
  deadline: number;
  log: Log;
  now?: () => Date;
  /** How long a dead holder's lock blocks others (default staleLockMs; at least 2 s). */
  staleLockMs?: number;
}

type FileState = { kind: 'missing' } | ParseResult;

function readState(path: string): FileState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    const what =
      code === 'EISDIR'
        ? 'it is a directory, not a file; move it away'
        : code === 'ERR_STRING_TOO_LONG'
          ? 'it is too large to be a session cache; move it away'
          : `${code ?? 'error'}; check its permissions`;
    throw new ConfigError(`Cannot read the session cache ${path}: ${what}.`, { cause: err });
  }
  return parseSessionsDocument(stripBom(text));
}

/** `20261121T140503Z`: sortable, and no characters that trouble any file system. */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Renames a broken cache out of the way (never deletes it) and says so once. Holds the lock. */
function moveAside(path: string, problem: string, options: StoreOptions): void {
  // A linked cache: move the file it names aside, and keep the link (the next write goes through it).
  const file = landingPath(path);
  const base = `${file}.corrupt-${stamp(options.now?.() ?? new Date())}`;
  let target = base;
  for (let n = 2; existsSync(target); n++) target = `${base}-${n}`;
  renameSync(file, target);
  options.log.warn(
    `The session cache ${file} could not be read (${problem}); moved it to ${target} and started with an empty cache.`,
  );
}

const warnedMalformed = new Set<string>();

/** Entries that are not sessions are kept as found; say so once per run, not at every read. */
function noteMalformed(path: string, doc: SessionsDocument, options: StoreOptions): SessionsDocument {
  if (doc.malformed.length > 0 && !warnedMalformed.has(path)) {
    warnedMalformed.add(path);
    const which = doc.malformed.length === 1 ? `entry ${doc.malformed[0]}` : `entries ${doc.malformed.join(', ')}`;
    options.log.warn(
      `The session cache ${path} has ${which} of "sessions" that azsess cannot read; kept as found (other sessions work), ` +
        `remove it with a text editor if no other tool needs it.`,
    );
  }
  return doc;
}

/** Under the lock: the current document, a broken file moved aside first. */
function readLocked(path: string, options: StoreOptions): SessionsDocument {
  const state = readState(path);
  if ('kind' in state) return emptyDocument();
  if (state.ok) return noteMalformed(path, state.doc, options);
  guarded(dirname(path), `move the unreadable ${path} aside`, () => moveAside(path, state.problem, options));
  return emptyDocument();
}

/**
 * The sessions, read without the lock (the cache-hit path): the file only ever changes by rename,
 * so a reader sees a whole file. Only a broken file makes it take the lock, to move it aside.
 */
export async function readSessions(home: string, options: StoreOptions): Promise<SessionsDocument> {
  const path = sessionsPath(home);
  const state = readState(path);
  if ('kind' in state) return emptyDocument();
  if (state.ok) return noteMalformed(path, state.doc, options);
  return withSessionsLock(home, options, async (tx) => tx.read());
}

/**
 * The sessions if the file reads cleanly, else undefined (missing, broken, unreadable): for the
 * fast path of `azsess token`, which leaves anything unusual to the full command.
 */
export function readSessionsIfClean(home: string): SessionsDocument | undefined {
  try {
    const state = readState(sessionsPath(home));
    return 'kind' in state || !state.ok || state.doc.malformed.length > 0 ? undefined : state.doc;
  } catch {
    return undefined;
  }
}

/**
 * A cheap way to wait for another process's write: each call stats the file and reads it only
 * when it was replaced since the last call (writes are renames, so the inode changes).
 */
export function watchSessions(home: string): () => SessionsDocument | undefined {
  const path = sessionsPath(home);
  let seen = '';
  return () => {
    let stamp: string;
    try {
      const st = statSync(path);
      stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      return undefined;
    }
    if (stamp === seen) return undefined;
    seen = stamp;
    return readSessionsIfClean(home);
  };
}

export interface SessionsTransaction {
  /** The document as it is now on disk. */
  read(): SessionsDocument;
  /**
   * The one way sessions.json changes: reads it again, applies `change` (which must depend only
   * on the document it gets: it may run twice if the lock was lost meanwhile), writes atomically.
   */
  update(change: (doc: SessionsDocument) => void): Promise<SessionsDocument>;
}

/**
 * Runs `fn` holding the lock on sessions.json. Network work may happen inside (a refresh that
 * many processes would otherwise all make); a person signing in must not. While another process
 * holds the lock, `wait.whileWaiting` may answer instead (reading without the lock).
 */
export async function withSessionsLock<T>(
  home: string,
  options: StoreOptions,
  fn: (tx: SessionsTransaction) => Promise<T>,
  wait: LockWait<T> = {},
): Promise<T> {
  ensureHome(home);
  const path = sessionsPath(home);
  const first = await acquireLock(path, options.deadline, options.log, options.staleLockMs, wait);
  if (!isHeld(first)) return first.answer;
  let lock: HeldLock = first;
  removeStaleTempFiles(landingPath(path), options.staleLockMs ?? staleLockMs);
  const tx: SessionsTransaction = {
    read: () => readLocked(path, options),
    update: async (change) => {
      // A lock judged stale and taken over means another writer may be in the middle of a change:
      // wait for our turn again rather than overwrite it.
      if (lock.compromised) lock = await regainLock(lock, path, options.deadline, options.log, options.staleLockMs);
      for (;;) {
        const existed = existsSync(path);
        const doc = readLocked(path, options);
        change(doc);
        const text = formatSessionsDocument(doc);
        // Clearing a cache that never existed should not create one.
        if (!existed && text === formatSessionsDocument(emptyDocument())) return doc;
        if (guarded(home, `save the session cache ${path}`, () => writeIfStillOurs(lock, path, text))) return doc;
        // We stalled past the stale time: another process may hold the lock now. Learn which.
        options.log.verbose(`The lock on ${path} may have gone stale while this process stalled; checking before writing.`);
        lock = await regainLock(lock, path, options.deadline, options.log, options.staleLockMs);
      }
    },
  };
  try {
    return await fn(tx);
  } finally {
    await lock.release();
  }
}

/** Shorthand for a change that needs nothing but the document. */
export async function updateSessions(
  home: string,
  options: StoreOptions,
  change: (doc: SessionsDocument) => void,
): Promise<SessionsDocument> {
  return withSessionsLock(home, options, (tx) => tx.update(change));
}
