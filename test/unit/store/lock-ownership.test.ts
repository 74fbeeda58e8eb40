import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { silentLog } from '../../../src/domain/log.js';
import { writeFileAtomically } from '../../../src/io/atomic-write.js';
import { isStale, publish, readHolder, removeHolder } from '../../../src/store/lock-dir.js';
import { acquireLock, isHeld, type HeldLock } from '../../../src/store/lock.js';
import { emptyManifest, formatManifest, readManifest } from '../../../src/store/manifest.js';
import { updateManifest } from '../../../src/store/manifest-write.js';

/**
 * What a holder knows of its own lock (`stillOurs`, `settled`), in one process: a live holder's
 * refresh timer keeps it, a stall past the stale time loses it until the timer has looked, and a
 * takeover meanwhile is learnt, never spun on.
 */
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'azsess-own-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const staleMs = 2000;

/** Stops this process's event loop, as a stopped or starved process: no timer of it runs. Callers stall
 * past the stale time plus a second: proper-lockfile first dates the holder up to a second ahead. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Another process's takeover of a lock judged stale, then its own commit and release. */
function takeOver(lock: string, commit: () => void): void {
  const holder = readHolder(lock);
  assert.ok(holder && isStale(holder, staleMs), 'the stalled holder looks stale to others');
  removeHolder(lock, holder.token);
  assert.ok(publish(lock, 'other-process'));
  commit();
  removeHolder(lock, 'other-process');
}

async function hold(target: string): Promise<HeldLock> {
  const lock = await acquireLock(join(home, target), Date.now() + 30_000, silentLog, staleMs);
  assert.ok(isHeld(lock));
  return lock;
}

/** Resolves after the holder file's mtime has changed `times` times: the refresh timer ran. */
async function refreshes(lock: string, token: string, times: number): Promise<void> {
  let last = statSync(join(lock, token)).mtimeMs;
  for (let seen = 0; seen < times; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = statSync(join(lock, token)).mtimeMs;
    if (now !== last) [seen, last] = [seen + 1, now];
  }
}

test('a live holder stays the owner past the stale time: each refresh (and the first, at lock time) counts', async () => {
  const lock = await hold('sessions.json');
  assert.equal(lock.stillOurs(), true, 'ours at once');
  const dir = join(home, 'sessions.json.lock');
  const [token] = readdirSync(dir);
  await refreshes(dir, token!, 3);
  assert.equal(lock.stillOurs(), true, 'still ours after 1.5 stale times, refreshed all along');
  assert.equal(lock.compromised, false);
  await lock.release();
});

test('a stall past the stale time makes it unsure; settled() learns it is still ours when no one took it', async () => {
  const lock = await hold('sessions.json');
  stall(staleMs + 1200);
  assert.equal(lock.stillOurs(), false);
  await lock.settled();
  assert.equal(lock.stillOurs(), true);
  assert.equal(lock.compromised, false);
  await lock.release();
});

test('a stall during which another process took the lock: settled() ends, compromised', async () => {
  const lock = await hold('sessions.json');
  stall(staleMs + 1200);
  takeOver(join(home, 'sessions.json.lock'), () => undefined);
  await lock.settled();
  assert.equal(lock.compromised, true);
  assert.equal(lock.stillOurs(), false);
  await lock.release();
});

test("the manifest: a holder stalled past the stale time does not overwrite the change of the process that took its lock", async () => {
  let calls = 0;
  const written = await updateManifest(
    home,
    (current) => {
      if (calls++ === 0) {
        stall(staleMs + 1200);
        takeOver(join(home, 'manifest.json.lock'), () =>
          writeFileAtomically(join(home, 'manifest.json'), formatManifest({ ...emptyManifest(), tenant: 'other.onmicrosoft.com' })),
        );
      }
      return { ...current, client_id: 'ours' };
    },
    { deadline: Date.now() + 30_000, log: silentLog, staleLockMs: staleMs },
  );
  assert.equal(calls, 2, 'the change ran again, on the manifest the other process wrote');
  assert.equal(written.tenant, 'other.onmicrosoft.com');
  assert.equal(readManifest(home)?.tenant, 'other.onmicrosoft.com');
  assert.equal(readManifest(home)?.client_id, 'ours');
});
