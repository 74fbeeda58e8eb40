import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, test } from 'node:test';
import { parseSessionsDocument } from '../../src/store/sessions-document.js';
import { startStoreWriter } from '../support/store-writers.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

let tmp: TmpHome;
beforeEach(() => {
  tmp = makeTmpHome();
});
afterEach(() => tmp.cleanup());

function startWriter(id: string, count: number, staleMs?: number, pauseAtWrite?: number, resumeFile?: string) {
  return startStoreWriter(tmp.home, id, count, { ...(staleMs ? { staleMs } : {}), ...(pauseAtWrite ? { pauseAtWrite } : {}), ...(resumeFile ? { resumeFile } : {}) });
}

/** mulberry32: a small seeded generator, so that a failing run can be replayed with its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readResources(): Set<string> {
  const result = parseSessionsDocument(readFileSync(join(tmp.home, 'sessions.json'), 'utf8'));
  assert.ok(result.ok, 'sessions.json is a valid session cache');
  return new Set(result.doc.sessions.map((s) => s.resource));
}

test('64 processes at once each add a session: all 64 are there and the file is valid', async () => {
  const writers = Array.from({ length: 64 }, (_, i) => startWriter(String(i), 1));
  const codes = await Promise.all(writers.map((w) => w.done));
  writers.forEach((w, i) => assert.equal(codes[i], 0, w.stderr()));
  const resources = readResources();
  assert.equal(resources.size, 64);
  for (let i = 0; i < 64; i++) assert.ok(resources.has(`https://writer-${i}-0.example/`));
});

test('a holder stalled past the stale time, whose lock was taken over, does not overwrite the new holder\'s commit', async () => {
  const resume = join(tmp.userHome, 'resume');
  // Stalls between its temp file and the rename, holding the lock, with no timer to refresh it.
  const stalled = startWriter('stalled', 1, 2000, 1, resume);
  await stalled.paused;
  // Takes the lock over once it is stale (2 s), and commits.
  const next = startWriter('next', 1, 2000);
  assert.equal(await next.done, 0, next.stderr());
  assert.deepEqual(next.committed, ['https://writer-next-0.example/']);
  writeFileSync(resume, '');
  assert.equal(await stalled.done, 0, stalled.stderr());
  const resources = readResources();
  assert.ok(resources.has('https://writer-next-0.example/'), 'the commit made while the holder stalled survives');
  assert.ok(resources.has('https://writer-stalled-0.example/'), 'the stalled writer wrote its change again, on the new document');
});

test('writers killed with SIGKILL between temp write and rename, or at seeded random moments, never corrupt the file or lose a committed session', async (t) => {
  // AZSESS_TEST_SEED=<n> replays a run: every choice below comes from it, and is printed.
  const seed = Number(process.env.AZSESS_TEST_SEED ?? Date.now() % 2 ** 31);
  const random = seededRandom(seed);
  t.diagnostic(`seed ${seed} (replay with AZSESS_TEST_SEED=${seed})`);
  // A large file widens the window in which a random kill lands mid-write.
  mkdirSync(tmp.home, { recursive: true, mode: 0o700 });
  const baseline = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({
      protocol: 'AzVMCredentials', expiry: '2030-01-01T00:00:00', resource: `https://baseline-${i}.example/`, token: 'x'.repeat(400),
    }),
  );
  writeFileSync(join(tmp.home, 'sessions.json'), JSON.stringify({ sessions: baseline }), { mode: 0o600 });

  const kills = 60;
  const committed: string[] = [];
  let killed = 0;
  let inWindow = 0;
  let windowChoices = 0;
  // Four writers at a time. Half are killed in the pause between their temp file and the rename
  // (after a seeded number of commits); the others after a seeded delay. Each is then replaced.
  const lanes = Array.from({ length: 4 }, async (_, lane) => {
    while (killed < kills) {
      const id = `k${lane}-${killed}`;
      const inTheWindow = random() < 0.5;
      const pauseAt = 1 + Math.floor(random() * 5);
      const delayMs = 100 + Math.floor(random() * 700);
      t.diagnostic(inTheWindow ? `${id}: kill at the rename of write ${pauseAt}` : `${id}: kill after ${delayMs} ms`);
      const w = inTheWindow ? startWriter(id, pauseAt, 2000, pauseAt) : startWriter(id, 1000, 2000);
      if (inTheWindow) {
        windowChoices += 1;
        const tempFile = await Promise.race([w.paused, w.done.then(() => undefined)]);
        assert.ok(tempFile, `${id} reached its pause (seed ${seed}): ${w.stderr()}`);
        assert.ok(existsSync(tempFile), `${id}: the temp file is written, not yet renamed (seed ${seed})`);
        inWindow += 1;
      } else {
        await sleep(delayMs);
      }
      w.child.kill('SIGKILL');
      killed += 1;
      await w.done;
      committed.push(...w.committed);
      readResources(); // valid at every moment between kills
    }
  });
  await Promise.all(lanes);
  assert.ok(killed >= 50);
  assert.equal(inWindow, windowChoices, `every writer chosen for it was killed between its temp write and its rename (seed ${seed})`);
  assert.ok(inWindow > 0, `the seed chose at least one kill in the window (seed ${seed})`);

  // One clean writer proves no lock is left that blocks for longer than the stale time.
  const last = startWriter('final', 1, 2000);
  assert.equal(await last.done, 0, last.stderr());
  const resources = readResources();
  for (let i = 0; i < 200; i++) assert.ok(resources.has(`https://baseline-${i}.example/`), `baseline ${i} kept (seed ${seed})`);
  for (const resource of committed) assert.ok(resources.has(resource), `${resource} was committed and must survive (seed ${seed})`);
  assert.ok(resources.has('https://writer-final-0.example/'));
  assert.ok(committed.length > 0, 'the writers made progress between kills');
  const leftovers = readdirSync(tmp.home).filter((n) => n.includes('.tmp-'));
  assert.ok(leftovers.length <= 4, `temp files of killed writers are cleaned up (${leftovers.length} left, seed ${seed})`);
});
