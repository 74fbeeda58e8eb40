import { setTimeout as sleep } from 'node:timers/promises';
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
  release(): Promise<void>;
}

/**
 * Takes the lock on `target` (a `<target>.lock` directory beside it: mkdir is atomic, even on
 * network file systems shared by many machines). Waits with jittered backoff until `deadline`
 * (epoch ms), then fails with a sentence saying who to blame. proper-lockfile is loaded here, not
 * at start-up: the cache-hit path never locks.
 */
export async function acquireLock(
  target: string,
  deadline: number,
  log: Log,
  staleMs: number = staleLockMs,
): Promise<HeldLock> {
  const { default: lockfile } = await import('proper-lockfile');
  let compromised = false;
  let delay = 5;
  let waited = false;
  for (;;) {
    try {
      const release = await lockfile.lock(target, {
        realpath: false,
        stale: Math.max(staleMs, 2000),
        // We retry ourselves, bounded by the command's deadline rather than a retry count.
        retries: 0,
        onCompromised: () => {
          compromised = true;
        },
      });
      return {
        get compromised() {
          return compromised;
        },
        release: async () => {
          await release().catch(() => undefined); // a compromised lock is no longer ours to remove
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new ServiceError(`Could not lock ${target}: ${(err as Error).message}.`, { cause: err });
      }
      if (Date.now() + delay > deadline) {
        throw new ServiceError(
          `Timed out waiting for another azsess process that holds ${target}.lock; try again, ` +
            `or remove that directory if no azsess is running.`,
        );
      }
      if (!waited) log.verbose(`Waiting for another azsess process that holds ${target}.lock.`);
      waited = true;
      await sleep(delay / 2 + Math.random() * delay);
      delay = Math.min(delay * 1.5, 100);
    }
  }
}
