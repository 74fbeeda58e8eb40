import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { parseSessionsDocument } from '../../src/store/sessions-document.js';
import { startStoreWriter, type StoreWriter } from '../support/store-writers.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

/**
 * The stale-lock takeover, interleaved step by step: store-writer processes report each step of
 * the lock protocol and stop where the test says, so every run takes the same path (no timing).
 */
const staleMs = 2000;

let tmp: TmpHome;
const started: Writer[] = [];
beforeEach(() => {
  tmp = makeTmpHome();
});
afterEach(() => {
  // A failed assertion leaves writers paused: end them with the test.
  for (const w of started.splice(0)) w.kill();
  tmp.cleanup();
});

interface Writer extends StoreWriter {
  reached(line: string): Promise<void>;
  kill(): void;
  result(): Promise<{ code: number | null; stderr: string }>;
}

function startWriter(id: string, pause: string[] = []): Writer {
  const w = startStoreWriter(tmp.home, id, 1, { staleMs, pause });
  const writer: Writer = {
    ...w,
    reached: async (line) => void (await w.first(line)),
    kill: () => w.child.kill('SIGKILL'),
    result: async () => ({ code: await w.done, stderr: w.stderr() }),
  };
  started.push(writer);
  return writer;
}

/** A lock left by a holder killed with SIGKILL, its time set `ageMs` in the past (negative: the future). */
async function leaveStaleLock(ageMs = 60_000): Promise<void> {
  const dead = startWriter('dead', ['held']);
  await dead.reached('paused held');
  dead.kill();
  await dead.result();
  const lock = join(tmp.home, 'sessions.json.lock');
  const old = new Date(Date.now() - ageMs);
  for (const name of readdirSync(lock)) utimesSync(join(lock, name), old, old);
  utimesSync(lock, old, old);
}

function storedResources(): string[] {
  const result = parseSessionsDocument(readFileSync(join(tmp.home, 'sessions.json'), 'utf8'));
  assert.ok(result.ok);
  return result.doc.sessions.map((s) => s.resource).sort();
}

test('a process that judged a lock stale never removes the fresh lock of the process that took it over first', async () => {
  await leaveStaleLock();
  const late = startWriter('late', ['removing-stale']);
  await late.reached('paused removing-stale');
  const first = startWriter('first', ['held']);
  await first.reached('paused held');
  const lock = join(tmp.home, 'sessions.json.lock');
  const before = statSync(lock).ino;

  late.go('removing-stale');
  // The late process must go back to waiting: holding now would make two holders.
  assert.equal(await late.first('step held', 'step waiting'), 'step waiting', 'two processes believe they hold the lock');
  assert.equal(statSync(lock).ino, before, 'the first holder still has its lock');

  first.go('held');
  assert.equal((await first.result()).code, 0);
  const lateResult = await late.result();
  assert.equal(lateResult.code, 0, lateResult.stderr);
  assert.deepEqual(storedResources(), ['https://writer-first-0.example/', 'https://writer-late-0.example/']);
  assert.ok(!existsSync(lock));
});

test('a stale-lock takeover that lost the race leaves a newcomer lock alone and the newcomer completes (the CI crash-storm failure)', async () => {
  await leaveStaleLock();
  const late = startWriter('late', ['removing-stale']);
  await late.reached('paused removing-stale');
  // Another process takes the stale lock over, writes and releases meanwhile.
  const other = startWriter('other');
  assert.equal((await other.result()).code, 0);
  // A newcomer finds the lock free and takes it.
  const newcomer = startWriter('newcomer', ['claimed']);
  await newcomer.reached('paused claimed');

  late.go('removing-stale');
  assert.equal(await late.first('step held', 'step waiting'), 'step waiting', 'two processes believe they hold the lock');
  newcomer.go('claimed');
  const results = [await newcomer.result(), await late.result()];
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(storedResources(), ['https://writer-late-0.example/', 'https://writer-newcomer-0.example/', 'https://writer-other-0.example/']);
});

test('a lock whose time is far in the future (a machine with a clock ahead, on a shared home) is stale, not held forever', async () => {
  await leaveStaleLock(-3600_000);
  const writer = startWriter('now');
  assert.equal(await writer.first('step held', 'step waiting'), 'step held', 'the future lock made it wait');
  assert.equal((await writer.result()).code, 0);
  assert.deepEqual(storedResources(), ['https://writer-now-0.example/']);
});
