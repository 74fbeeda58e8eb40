import { AzsessError, ConfigError } from '../domain/errors.js';
import type { Log } from '../domain/log.js';

/**
 * A file-system failure in the azsess home (read-only, full, gone): exit 6 with a sentence that
 * says what to do. Its own class so that a command can still hand out a token it got but could
 * not save.
 */
export class StorageError extends ConfigError {
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** `doing`: what failed, as in "Cannot <doing>: ...". */
export function storageError(err: unknown, home: string, doing: string): StorageError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  const cause = { cause: err };
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StorageError(
      `Cannot ${doing}: the azsess home ${home} is not writable (${code}); make it writable, or choose another home with --home or AZSESSIONS_HOME.`,
      code,
      cause,
    );
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageError(
      `Cannot ${doing}: the disk holding ${home} is full (${code}); nothing was changed; free some space and try again.`,
      code,
      cause,
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageError(
    `Cannot ${doing} in the azsess home ${home} (${detail}); check that it is a usable directory, or choose another with --home or AZSESSIONS_HOME.`,
    code,
    cause,
  );
}

function translate(err: unknown, home: string, doing: string): never {
  if (err instanceof AzsessError) throw err;
  throw storageError(err, home, doing);
}

/** Runs a step of the store, turning any file-system error into a StorageError. */
export function guarded<T>(home: string, doing: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    return translate(err, home, doing);
  }
}

/** `guarded` for a step that returns a promise. */
export async function guardedAsync<T>(home: string, doing: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    return translate(err, home, doing);
  }
}

/**
 * Saves a token the command got; a store that cannot save it (read-only or full disk) does not
 * cost the caller the token: it is still printed, with a warning that the next run needs another.
 */
export async function saveOrWarn(log: Log, save: () => Promise<unknown>): Promise<void> {
  try {
    await save();
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    log.warn(`The new token was not saved, so the next run must get another: ${err.message}`);
  }
}
