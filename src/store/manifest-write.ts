import type { Log } from '../core/log.js';
import { ensureHome, manifestPath } from './home.js';
import { acquireLock, isHeld, regainLock, writeIfStillOurs, type HeldLock } from './lock.js';
import { emptyManifest, formatManifest, readManifest, type Manifest } from './manifest.js';
import { guarded } from './storage-error.js';

/**
 * Changes the manifest under its lock: `change` gets the current one (an empty one with `reset`,
 * which also skips reading a broken file) and returns the new one. Only commands a user runs to
 * change the manifest call this.
 */
export async function updateManifest(
  home: string,
  change: (current: Manifest) => Manifest,
  options: { deadline: number; log: Log; reset?: boolean; staleLockMs?: number },
): Promise<Manifest> {
  ensureHome(home);
  const path = manifestPath(home);
  const first = await acquireLock(path, options.deadline, options.log, options.staleLockMs);
  if (!isHeld(first)) throw new Error('unreachable: no early answer was asked for');
  let lock: HeldLock = first;
  try {
    for (;;) {
      const current = options.reset ? emptyManifest() : (readManifest(home) ?? emptyManifest());
      const next = change(current);
      if (guarded(home, `save the manifest ${path}`, () => writeIfStillOurs(lock, path, formatManifest(next)))) return next;
      // We stalled past the stale time: another process may have changed the manifest meanwhile.
      lock = await regainLock(lock, path, options.deadline, options.log, options.staleLockMs);
    }
  } finally {
    await lock.release();
  }
}
