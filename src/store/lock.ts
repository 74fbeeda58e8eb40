import * as nodeFs from 'node:fs';
import { mkdirSync, rmdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { ServiceError } from '../core/errors.js';
import type { Log } from '../core/log.js';

/**
 * A lock whose holder vanished (SIGKILL, a machine that died) is taken over after this long.
 * proper-lockfile refreshes a live holder's lock every half of it, so only dead holders go stale.
 */
export const staleLockMs = 10_000;

export interface HeldLock {
  /** True when the lock was judged stale and taken by another process while we held it. */
  readonly compromised: boolean;
  /**
   * Whether no other process can have judged the lock stale yet: it was refreshed less than the
   * stale time ago. Checked synchronously right before a commit, this catches a holder that
   * stalled (stopped, starved, suspended) before its own refresh timer could notice the loss.
   */
  stillOurs(): boolean;
  /** Waits until the lock is known to be ours again (refreshed) or known to be lost (compromised). */
  settled(): Promise<void>;
  release(): Promise<void>;
}

/** Margin before the stale time: the commit after the check, and clocks that step. */
const ownershipMarginMs = 500;

export interface LockWait<T> {
  /**
   * Called between attempts while another process holds the lock: a value ends the wait without
   * the lock (the holder has just done what we were waiting to do).
   */
  whileWaiting?: () => T | undefined;
}

type LockState = 'absent' | 'held' | 'stale';

/**
 * Sleeps until anything in the home changes (the holder replaced sessions.json or released the
 * lock) or a timer ends. Dozens of waiters then stay idle instead of polling, which leaves the
 * CPU to the holder. Change events miss other machines' writes to a shared home and may not be
 * available at all (inotify limits), so the timer stays as the fallback.
 */
class ChangeWaker {
  #watcher: FSWatcher | undefined;
  #wake: (() => void) | undefined;

  constructor(dir: string) {
    try {
      this.#watcher = watch(dir, { persistent: false }, () => this.#wake?.());
      this.#watcher.on('error', () => this.close());
    } catch {
      this.#watcher = undefined;
    }
  }

  get watching(): boolean {
    return this.#watcher !== undefined;
  }

  nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}

/** Whether another live process seems to hold the lock: its directory exists and is fresh. */
function lockState(target: string, staleMs: number): LockState {
  try {
    return Date.now() - statSync(`${target}.lock`).mtimeMs < staleMs ? 'held' : 'stale';
  } catch {
    return 'absent';
  }
}

/**
 * When many processes find the lock free at once, mkdir (the lock's own atomic step) picks one
 * cheaply, and the others wait without loading proper-lockfile. The winner removes its probe and
 * locks for real; losing that second race to a newcomer only makes it wait too.
 */
function winsProbe(target: string): boolean {
  try {
    mkdirSync(`${target}.lock`);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EEXIST';
  }
  rmdirSync(`${target}.lock`);
  return true;
}


/**
 * node:fs for proper-lockfile, noting the mtime it gives the lock at each refresh: other
 * processes judge staleness from that mtime, so it tells how long the lock is surely ours.
 */
function refreshNotingFs(onRefresh: (mtimeMs: number) => void): typeof nodeFs {
  // A plain copy: the bundle's module namespace has getters only, which cannot be shadowed.
  return Object.assign({ ...nodeFs }, {
    utimes(path: nodeFs.PathLike, atime: Date, mtime: Date, callback: (err: NodeJS.ErrnoException | null) => void) {
      nodeFs.utimes(path, atime, mtime, (err) => {
        if (!err) onRefresh(mtime.getTime());
        callback(err);
      });
    },
  });
}

async function tryLock(
  target: string,
  staleMs: number,
  onCompromised: () => void,
  onRefresh: (mtimeMs: number) => void,
): Promise<(() => Promise<void>) | undefined> {
  // Loaded only when a lock is really tried: the cache-hit path and lock waiters never need it.
  const { lockfile } = await import('./lockfile-module.js');
  try {
    return await lockfile.lock(target, {
      realpath: false,
      fs: refreshNotingFs(onRefresh),
      stale: Math.max(staleMs, 2000),
      // We retry ourselves, bounded by the command's deadline rather than a retry count.
      retries: 0,
      onCompromised,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOENT: another process took over the same stale lock at the same moment and removed the
    // directory we had just made; it holds the lock now, so wait as for any holder.
    if (code === 'ELOCKED' || code === 'ENOENT') return undefined;
    throw new ServiceError(`Could not lock ${target}: ${(err as Error).message}.`, { cause: err });
  }
}

/**
 * Takes the lock on `target` (a `<target>.lock` directory beside it: mkdir is atomic, even on
 * network file systems shared by many machines), or ends the wait early with `whileWaiting`'s
 * value. Waits with jittered backoff until `deadline` (epoch ms), then fails with a sentence.
 */
export async function acquireLock<T = never>(
  target: string,
  deadline: number,
  log: Log,
  staleMs: number = staleLockMs,
  wait: LockWait<T> = {},
): Promise<HeldLock | { answer: T }> {
  let compromised = false;
  let delay = 5;
  let waited = false;
  let waker: ChangeWaker | undefined;
  try {
    for (;;) {
      // After a wait, look first: the holder usually writes what we wait for, then releases.
      if (waited) {
        const answer = wait.whileWaiting?.();
        if (answer !== undefined) return { answer };
      }
      const state = lockState(target, staleMs);
      if (state === 'stale' || (state === 'absent' && winsProbe(target))) {
        // The new lock directory's mtime is at least this (whole seconds: some file systems keep
        // no more); proper-lockfile then sets it at once and at each refresh, in a precision kept.
        let refreshedAt = Math.floor(Date.now() / 1000) * 1000;
        const onRefresh = (mtimeMs: number) => (refreshedAt = Math.max(refreshedAt, mtimeMs));
        const release = await tryLock(target, staleMs, () => {
          compromised = true;
        }, onRefresh);
        if (release) return heldLock(release, () => compromised, () => refreshedAt, Math.max(staleMs, 2000));
      }
      if (!waited) {
        const answer = wait.whileWaiting?.();
        if (answer !== undefined) return { answer };
      }
      if (Date.now() + delay > deadline) {
        throw new ServiceError(
          `Timed out waiting for another azsess process that holds ${target}.lock; try again, ` +
            `or remove that directory if no azsess is running.`,
        );
      }
      if (!waited) log.verbose(`Waiting for another azsess process that holds ${target}.lock.`);
      waited = true;
      waker ??= new ChangeWaker(dirname(target));
      await waker.nap(delay / 2 + Math.random() * delay);
      // With change events the timer is only a fallback; without them it is how we notice.
      delay = Math.min(delay * 1.5, waker.watching ? 100 : 20);
    }
  } finally {
    waker?.close();
  }
}

function heldLock(release: () => Promise<void>, compromised: () => boolean, refreshedAt: () => number, staleMs: number): HeldLock {
  const stillOurs = () => !compromised() && Date.now() - refreshedAt() < staleMs - ownershipMarginMs;
  return {
    get compromised() {
      return compromised();
    },
    stillOurs,
    async settled() {
      // proper-lockfile's refresh timer decides within one update interval (half the stale time).
      while (!compromised() && !stillOurs()) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    release: async () => {
      await release().catch(() => undefined); // a compromised lock is no longer ours to remove
    },
  };
}

/** Narrows acquireLock's result for callers that pass no `whileWaiting`. */
export function isHeld<T>(result: HeldLock | { answer: T }): result is HeldLock {
  return 'release' in result;
}
