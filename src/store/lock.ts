import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { ServiceError } from '../domain/errors.js';
import type { Log } from '../domain/log.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import { clearEmpty, isStale, newToken, publish, readHolder, removeHolder, removeStaleStaging, tokenLockFs } from './lock-dir.js';
import { guardedAsync } from './storage-error.js';

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

/** Named moments of the lock protocol, where a test may hold a process to force an interleaving. */
export type LockStep = 'removing-stale' | 'claimed' | 'held' | 'waiting';

/** Test seam: when set, awaited at each step (production code never sets it). */
export const lockSteps: { at?: (step: LockStep) => Promise<void> } = {};

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

/**
 * Takes a free or stale lock without proper-lockfile (which only a holder loads): when many
 * processes find it free at once, the atomic rename of `publish` picks one cheaply. A stale
 * holder is removed by its name only, so a process that judged it stale a moment too late
 * removes nothing of the holder that replaced it.
 */
async function claim(lock: string, token: string, staleMs: number): Promise<boolean> {
  const holder = readHolder(lock);
  if (holder && !isStale(holder, staleMs)) return false;
  if (holder) {
    await lockSteps.at?.('removing-stale');
    removeHolder(lock, holder.token);
  } else {
    clearEmpty(lock);
  }
  return publish(lock, token);
}

/** Hands a claimed lock to proper-lockfile, which keeps it fresh until released. */
async function holdClaimed(
  target: string,
  token: string,
  staleMs: number,
  onCompromised: () => void,
  onRefresh: (mtimeMs: number) => void,
): Promise<(() => Promise<void>) | undefined> {
  // Loaded only when a lock is really held: the cache-hit path and lock waiters never need it
  // (its bundle layer is the refresh's, scripts/fast-paths.json).
  const { default: lockfile } = await import('proper-lockfile');
  try {
    return await lockfile.lock(target, {
      realpath: false,
      stale: Math.max(staleMs, 2000),
      // We retry ourselves, bounded by the command's deadline rather than a retry count.
      retries: 0,
      onCompromised,
      fs: tokenLockFs(`${target}.lock`, token, onRefresh),
    } as Parameters<typeof lockfile.lock>[1]);
  } catch (err) {
    // Taken over between our claim and now (we were judged stale): wait as for any holder.
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw err;
  }
}

/**
 * Takes the lock on `target` (a `<target>.lock` directory beside it that names its holder, made
 * by an atomic rename, even on network file systems shared by many machines: lock-dir.ts), or
 * ends the wait early with `whileWaiting`'s
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
  const lock = `${target}.lock`;
  const home = dirname(target);
  const doing = `lock ${target}`;
  try {
    for (;;) {
      // After a wait, look first: the holder usually writes what we wait for, then releases.
      if (waited) {
        const answer = wait.whileWaiting?.();
        if (answer !== undefined) return { answer };
      }
      const token = newToken();
      // A holder file made by this claim has an mtime of at least this (whole seconds: some file
      // systems keep no more); proper-lockfile then sets it at each refresh, in a precision kept.
      let refreshedAt = Math.floor(Date.now() / 1000) * 1000;
      if (await guardedAsync(home, doing, () => claim(lock, token, staleMs))) {
        await lockSteps.at?.('claimed');
        const onRefresh = (mtimeMs: number) => (refreshedAt = Math.max(refreshedAt, mtimeMs));
        const release = await guardedAsync(home, doing, () =>
          holdClaimed(target, token, staleMs, () => {
            compromised = true;
          }, onRefresh),
        ).catch((err: unknown) => {
          try {
            removeHolder(lock, token);
          } catch {
            // The error that stopped us says more than one from cleaning up after it.
          }
          throw err;
        });
        if (release) {
          removeStaleStaging(lock, staleMs);
          await lockSteps.at?.('held');
          return heldLock(release, () => compromised, () => refreshedAt, Math.max(staleMs, 2000));
        }
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
      await lockSteps.at?.('waiting');
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

class LockNoLongerOurs extends Error {}

/**
 * Writes `path` atomically (owner only) unless, at the last moment before the rename, the lock
 * may have been taken over because we stalled past the stale time: false then, nothing written.
 */
export function writeIfStillOurs(lock: HeldLock, path: string, text: string): boolean {
  try {
    writeFileAtomically(path, text, undefined, () => {
      if (!lock.stillOurs()) throw new LockNoLongerOurs();
    });
    return true;
  } catch (err) {
    if (err instanceof LockNoLongerOurs) return false;
    throw err;
  }
}

/**
 * After a write refused by `writeIfStillOurs`: the same lock once it is known to be ours again,
 * or, when it was taken over meanwhile, a new one (the caller then reads the file again).
 */
export async function regainLock(lock: HeldLock, target: string, deadline: number, log: Log, staleMs?: number): Promise<HeldLock> {
  await lock.settled();
  while (lock.compromised) {
    log.verbose(`Lost the lock on ${target}; taking it again before writing.`);
    await lock.release();
    const again = await acquireLock(target, deadline, log, staleMs);
    if (!isHeld(again)) throw new Error('unreachable: no early answer was asked for');
    lock = again;
  }
  return lock;
}

/** Narrows acquireLock's result for callers that pass no `whileWaiting`. */
export function isHeld<T>(result: HeldLock | { answer: T }): result is HeldLock {
  return 'release' in result;
}
