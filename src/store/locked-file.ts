import type { Log } from '../domain/log.js';
import { ensureHome } from './home.js';
import { acquireLock, isHeld, regainLock, writeIfStillOurs, type HeldLock } from './lock.js';
import { guarded } from './storage-error.js';

export interface LockedFileOptions {
  deadline: number;
  log: Log;
  staleLockMs?: number;
}

/**
 * Changes one file of the home under its own lock: `read` gets the current value, `change` the
 * new one (it may run again if the lock was taken over while we stalled), `format` its text,
 * written atomically, owner only. `what` names the file in messages ("the manifest").
 */
export async function updateLockedFile<T>(
  home: string,
  path: string,
  what: string,
  file: { read: () => T; change: (current: T) => T; format: (value: T) => string },
  options: LockedFileOptions,
): Promise<T> {
  ensureHome(home);
  const first = await acquireLock(path, options.deadline, options.log, options.staleLockMs);
  if (!isHeld(first)) throw new Error('unreachable: no early answer was asked for');
  let lock: HeldLock = first;
  try {
    for (;;) {
      const next = file.change(file.read());
      if (guarded(home, `save ${what} ${path}`, () => writeIfStillOurs(lock, path, file.format(next)))) return next;
      // We stalled past the stale time: another process may have changed the file meanwhile.
      lock = await regainLock(lock, path, options.deadline, options.log, options.staleLockMs);
    }
  } finally {
    await lock.release();
  }
}
