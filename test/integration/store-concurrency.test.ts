import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

function startWriter(id: string, count: number, staleMs?: number) {
  return startStoreWriter(tmp.home, id, count, staleMs ? { staleMs } : {});
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

test('writers killed with SIGKILL at random moments never corrupt the file or lose a committed session', async () => {
  // A large file widens the window in which a kill lands mid-write.
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
  let midWrite = 0;
  // Four writers at a time; each is killed after a random delay and replaced.
  const lanes = Array.from({ length: 4 }, async (_, lane) => {
    while (killed < kills) {
      const w = startWriter(`k${lane}-${killed}`, 1000, 2000);
      await sleep(100 + Math.random() * 700);
      w.child.kill('SIGKILL');
      killed += 1;
      await w.done;
      committed.push(...w.committed);
      midWrite += readdirSync(tmp.home).filter((n) => n.includes('.tmp-')).length > 0 ? 1 : 0;
      readResources(); // valid at every moment between kills
    }
  });
  await Promise.all(lanes);
  assert.ok(killed >= 50);

  // One clean writer proves no lock is left that blocks for longer than the stale time.
  const last = startWriter('final', 1, 2000);
  assert.equal(await last.done, 0, last.stderr());
  const resources = readResources();
  for (let i = 0; i < 200; i++) assert.ok(resources.has(`https://baseline-${i}.example/`), `baseline ${i} kept`);
  for (const resource of committed) assert.ok(resources.has(resource), `${resource} was committed and must survive`);
  assert.ok(resources.has('https://writer-final-0.example/'));
  assert.ok(committed.length > 0, 'the writers made progress between kills');
  if (process.env.AZSESS_TEST_DEBUG) console.error({ committed: committed.length, midWrite, files: readdirSync(tmp.home) });
  const leftovers = readdirSync(tmp.home).filter((n) => n.includes('.tmp-'));
  assert.ok(leftovers.length <= 4, `temp files of killed writers are cleaned up (${leftovers.length} left)`);
});
