import type { Log } from '../domain/log.js';
import { manifestPath } from './home.js';
import { updateLockedFile } from './locked-file.js';
import { emptyManifest, formatManifest, readManifest, tokenStoreOf, wasSealedManifest, type Manifest } from './manifest.js';
import { sealedKey, sealManifestSecret, storeForWrite } from './sealed-secrets.js';

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
  // Whether the manifest as last read had its secret sealed (a keychain home): its next write does too.
  let sealedBefore = false;
  return updateLockedFile(
    home,
    manifestPath(home),
    'the manifest',
    {
      read: () => {
        const found = options.reset ? undefined : readManifest(home);
        sealedBefore = found !== undefined && wasSealedManifest(found);
        return found ?? (options.reset ? { ...emptyManifest(), ...currentStore(home) } : emptyManifest());
      },
      change,
      format: (next) => formatManifest(asStored(home, next, sealedBefore)),
    },
    options,
  );
}
