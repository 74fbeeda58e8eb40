import { existsSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { landingPath, removeStaleTempFiles } from '../io/atomic-write.js';
import { ensureHome, sessionsPath } from './home.js';
import { acquireLock, isHeld, regainLock, staleLockMs, writeIfStillOurs, type HeldLock, type LockWait } from './lock.js';
import { emptyDocument, formatSessionsDocument, type SessionsDocument } from './sessions-document.js';
import { noteMalformed, readState, type StoreOptions } from './sessions.js';
import { hasSealedData, sealedDocument, storeForWrite, wasSealed, withoutSealedData, type TokenStore } from './sealed-secrets.js';
import { readManifest, tokenStoreOf } from './manifest.js';
import { guarded } from './storage-error.js';

/* Changing sessions.json: only under its lock, and only by an atomic rename. */

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

/** More sessions than one home plausibly needs: each is a refresh token, and every cache hit reads them all. */
export const sessionsWarnedAt = 500;

function entryCount(doc: SessionsDocument): number {
  return doc.sessions.length + doc.kept.length;
}

/**
 * Says so once: on the write that takes the cache past the bound (writes are serialised by the
 * lock, so exactly one process of all that share the home says it), and again only after it fell
 * back under the bound and grew past it anew.
 */
function noteGrowth(before: number, doc: SessionsDocument, path: string, options: StoreOptions): void {
  const after = entryCount(doc);
  if (before > sessionsWarnedAt || after <= sessionsWarnedAt) return;
  options.log.warn(
    `The session cache ${path} now holds ${after} sessions, more than ${sessionsWarnedAt}; azsess status lists them and azsess clear-cache removes those no longer needed.`,
  );
}

/**
 * The manifest's `token_store`, read without opening its client secret; a manifest that cannot be
 * read names none (its own errors come where it is used).
 */
function chosenTokenStore(home: string): TokenStore | undefined {
  try {
    return tokenStoreOf(readManifest(home, false));
  } catch {
    return undefined;
  }
}

/** Under the lock: the current document, a broken file moved aside first. */
function readLocked(path: string, options: StoreOptions): SessionsDocument {
  const state = readState(path);
  if ('kind' in state) return emptyDocument();
  if (state.ok) return noteMalformed(path, state.doc, options);
  guarded(dirname(path), `move the unreadable ${path} aside`, () => moveAside(path, state.problem, options));
  return emptyDocument();
}

export interface SessionsTransaction {
  /** The document as it is now on disk. */
  read(): SessionsDocument;
  /**
   * The one way sessions.json changes: reads it again, applies `change` (which must depend only
   * on the document it gets: it may run twice if the lock was lost meanwhile), writes atomically.
   * `store` overrides the home's token store (switching it, store/token-store.ts).
   */
  update(change: (doc: SessionsDocument) => void, store?: TokenStore): Promise<SessionsDocument>;
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
    update: async (change, store) => {
      // A lock judged stale and taken over means another writer may be in the middle of a change:
      // wait for our turn again rather than overwrite it.
      if (lock.compromised) lock = await regainLock(lock, path, options.deadline, options.log, options.staleLockMs);
      for (;;) {
        const existed = existsSync(path);
        const doc = readLocked(path, options);
        const before = entryCount(doc);
        change(doc);
        const sealing = (store ?? storeForWrite(chosenTokenStore(home), wasSealed(doc))) === 'keychain';
        const text = formatSessionsDocument(sealing ? sealedDocument(doc, home) : hasSealedData(doc) ? withoutSealedData(doc) : doc);
        // Clearing a cache that never existed should not create one.
        if (!existed && text === formatSessionsDocument(emptyDocument())) return doc;
        if (guarded(home, `save the session cache ${path}`, () => writeIfStillOurs(lock, path, text))) {
          noteGrowth(before, doc, path, options);
          return doc;
        }
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
