import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { isStale, publish, readHolder, removeHolder } from '../../../src/store/lock-dir.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'azsess-lock-'));
  lock = join(dir, 'sessions.json.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('one publisher wins; the lock names it; the loser leaves nothing behind', () => {
  assert.equal(publish(lock, 'a'), true);
  assert.equal(publish(lock, 'b'), false);
  assert.equal(readHolder(lock)?.token, 'a');
  assert.deepEqual(readdirSync(dir), ['sessions.json.lock']);
});

test('removing a holder that is gone removes nothing of the holder that replaced it', () => {
  publish(lock, 'a');
  assert.equal(removeHolder(lock, 'a'), true);
  publish(lock, 'b');
  assert.equal(removeHolder(lock, 'a'), false);
  assert.equal(readHolder(lock)?.token, 'b');
});

test('an empty lock directory (a crash between unlink and rmdir) is free, and a publisher replaces it', () => {
  mkdirSync(lock);
  assert.equal(readHolder(lock), undefined);
  assert.equal(publish(lock, 'a'), true);
  assert.equal(readHolder(lock)?.token, 'a');
});

test('stale: older than the stale time, or further than it in the future', () => {
  const now = 1_000_000;
  assert.equal(isStale({ token: 'a', mtimeMs: now - 500 }, 2000, now), false);
  assert.equal(isStale({ token: 'a', mtimeMs: now + 1000 }, 2000, now), false, 'the mtime probe dates a lock up to 1 s ahead');
  assert.equal(isStale({ token: 'a', mtimeMs: now - 2000 }, 2000, now), true);
  assert.equal(isStale({ token: 'a', mtimeMs: now + 3600_000 }, 2000, now), true);
});
