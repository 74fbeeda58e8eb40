import type { Log } from '../core/log.js';
import { ensureHome, manifestPath } from './home.js';
import { acquireLock, isHeld, regainLock, writeIfStillOurs, type HeldLock } from './lock.js';
import { emptyManifest, formatManifest, readManifest, tokenStoreOf, wasSealedManifest, type Manifest } from './manifest.js';
import { sealedKey, sealManifestSecret, storeForWrite } from './sealed-secrets.js';
import { guarded } from './storage-error.js';

/** The manifest as written: on a keychain home the client secret sealed, "" in its AzSessions key. */
function asStored(home: string, next: Manifest, sealedBefore: boolean): Manifest {
  if (storeForWrite(tokenStoreOf(next), sealedBefore) !== 'keychain') return next;
  const sealed = sealManifestSecret(home, next.client_secret);
  return sealed ? { ...next, client_secret: '', extra: { ...next.extra, [sealedKey]: sealed } } : next;
}

/** With `reset`, the manifest's token store carries over (a reset must not unseal a keychain home's secret). */
function currentStore(home: string): Pick<Manifest, 'extra'> | undefined {
  try {
    const found = readManifest(home);
    return found && tokenStoreOf(found) ? { extra: { token_store: tokenStoreOf(found) } } : undefined;
  } catch {
    return undefined;
  }
}

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
      const found = options.reset ? undefined : readManifest(home);
      const current = found ?? (options.reset ? { ...emptyManifest(), ...currentStore(home) } : emptyManifest());
      const next = change(current);
      const text = formatManifest(asStored(home, next, found !== undefined && wasSealedManifest(found)));
      if (guarded(home, `save the manifest ${path}`, () => writeIfStillOurs(lock, path, text))) return next;
      // We stalled past the stale time: another process may have changed the manifest meanwhile.
      lock = await regainLock(lock, path, options.deadline, options.log, options.staleLockMs);
    }
  } finally {
    await lock.release();
  }
}
