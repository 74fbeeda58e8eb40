import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../domain/errors.js';
import type { Log } from '../domain/log.js';
import { dirname } from 'node:path';
import { stripBom } from '../io/atomic-write.js';
import { sessionsPath } from './home.js';
import { hadUnopenedSecrets, hasSealedData, unsealDocument } from './sealed-secrets.js';
import { emptyDocument, parseSessionsDocument, type ParseResult, type SessionsDocument } from './sessions-document.js';

/*
 * Reading sessions.json without the lock, which is all a cache hit does. Changing it, under the
 * lock, is store/sessions-lock.ts: the lock and the writes stay out of the bundle a hit loads.
 */

export interface StoreOptions {
  /** Epoch ms after which waiting for the lock gives up. */
  deadline: number;
  log: Log;
  now?: () => Date;
  /** How long a dead holder's lock blocks others (default staleLockMs; at least 2 s). */
  staleLockMs?: number;
}

export type FileState = { kind: 'missing' } | ParseResult;

/**
 * sessions.json as found: missing, or parsed (a broken file says what is wrong with it); its
 * sealed secrets opened unless `open` is false (`status` with a keychain it cannot use).
 */
export function readState(path: string, open = true): FileState {
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
  const parsed = parseSessionsDocument(stripBom(text));
  // A keychain home's secrets are sealed (store/sealed-secrets.ts); a file home's never are.
  if (open && parsed.ok && hasSealedData(parsed.doc)) unsealDocument(parsed.doc, dirname(path));
  return parsed;
}

const warnedMalformed = new Set<string>();

/** Entries that are not sessions are kept as found; say so once per run, not at every read. */
export function noteMalformed(path: string, doc: SessionsDocument, options: StoreOptions): SessionsDocument {
  if (doc.malformed.length > 0 && !warnedMalformed.has(path)) {
    warnedMalformed.add(path);
    const which = doc.malformed.length === 1 ? `entry ${doc.malformed[0]}` : `entries ${doc.malformed.join(', ')}`;
    options.log.warn(
      `The session cache ${path} has ${which} of "sessions" that azsess cannot read; kept as found (other sessions work), ` +
        `remove it with a text editor if no other tool needs it.`,
    );
  }
  if (hadUnopenedSecrets(doc) && !warnedMalformed.has(`${path}:sealed`)) {
    warnedMalformed.add(`${path}:sealed`);
    options.log.warn(
      `The session cache ${path} holds secrets sealed with a key the keychain does not hold (removed, or made on another machine); those sessions sign in anew.`,
    );
  }
  return doc;
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
  const { withSessionsLock } = await import('./sessions-lock.js');
  return withSessionsLock(home, options, async (tx) => tx.read());
}

/** The sessions as stored, sealed secrets left sealed (in `extra`) and a broken file empty: for `status` only. */
export function readSessionsAsStored(home: string): SessionsDocument {
  const state = readState(sessionsPath(home), false);
  return 'kind' in state || !state.ok ? emptyDocument() : state.doc;
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
