import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { startTestIdp, type TestIdp } from '../idp/index.js';
import { parseSessionsDocument } from '../../src/store/sessions-document.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

/**
 * A storm: concurrent azsess processes refresh, sign in and clear sessions while the test kills
 * them with SIGKILL at random moments, at least 200 times. sessions.json must be valid at every
 * moment, no stored session but the one in flight may be lost, and no lock may outlive the
 * stale-lock time. The provider answers slowly, so that many kills land while a process holds the
 * lock. Kills between the temp-file write and the rename are rare here; store-concurrency.test.ts
 * covers that window directly.
 */
const kills = 200;
const lanes = 6;
const resources = ['https://vault.azure.net', 'https://storage.azure.com', 'https://graph.microsoft.com', 'https://management.azure.com/'];
const baseline = 300;

let idp: TestIdp;
let tmp: TmpHome;
before(async () => {
  // The storm repeats the same client-credentials request hundreds of times on purpose: Entra's
  // loop detection (AADSTS50196) would rightly refuse it, and is not what this test is about.
  idp = await startTestIdp({ loopDetection: false });
  tmp = makeTmpHome();
});
after(async () => {
  await idp.close();
  tmp.cleanup();
});

function env(): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: idp.url,
    AZURE_TENANT_ID: idp.tenantId,
    AZURE_CLIENT_ID: idp.confidentialClientId,
    AZURE_CLIENT_SECRET: idp.clientSecret,
    // A killed holder's lock blocks the others this long (the least proper-lockfile allows).
    AZSESS_LOCK_STALE_SECONDS: '2',
  };
}

/** Sessions that no process touches; every one must survive the storm. */
function seedBaseline(): void {
  mkdirSync(tmp.home, { recursive: true, mode: 0o700 });
  const entries = Array.from({ length: baseline }, (_, i) =>
    JSON.stringify({ protocol: 'AzVMCredentials', expiry: '2036-01-01T00:00:00', resource: `https://baseline-${i}.example/`, token: 'x'.repeat(300) }),
  );
  writeFileSync(join(tmp.home, 'sessions.json'), JSON.stringify({ sessions: entries }), { mode: 0o600 });
}

function readValid(): { resources: Set<string>; count: number } {
  const result = parseSessionsDocument(readFileSync(join(tmp.home, 'sessions.json'), 'utf8'));
  assert.ok(result.ok, `sessions.json is not a valid cache: ${result.ok ? '' : result.problem}`);
  return { resources: new Set(result.doc.sessions.map((s) => s.resource)), count: result.doc.sessions.length };
}

/** One process of the storm: mostly refreshes (--offset beyond the token's life forces one), some sign-ins and clears. */
function pickCommand(i: number): string[] {
  const resource = resources[i % resources.length]!;
  const roll = Math.random();
  if (roll < 0.7) return ['token', '--protocol', 'client-credentials', '--resource', resource, '--offset', '4000'];
  if (roll < 0.85) return ['login', '--protocol', 'client-credentials', '--scope', `${resource}/.default`];
  return ['clear-cache', '--protocol', 'client-credentials', '--scope', 'https://throwaway.example/.default'];
}

interface Tally {
  killed: number;
  lockHeld: number;
  midWrite: number;
  refreshed: Set<string>;
}

async function lane(laneId: number, tally: Tally): Promise<void> {
  for (let i = laneId; tally.killed < kills; i += lanes) {
    const args = pickCommand(i);
    let child: ChildProcess | undefined;
    const run = runCli(args, { userHome: tmp.userHome, env: env(), timeoutMs: 60_000, onSpawn: (c) => (child = c) });
    // Some processes are left to finish, so the storm also makes progress.
    const killAt = Math.random() < 0.2 ? 60_000 : 20 + Math.random() * 300;
    const outcome = await Promise.race([run.then((r) => ({ r })), sleep(killAt, undefined, { ref: false }).then(() => undefined)]);
    if (outcome === undefined) {
      const files = readdirSync(tmp.home);
      if (files.includes('sessions.json.lock')) tally.lockHeld += 1;
      if (files.some((f) => f.includes('.tmp-'))) tally.midWrite += 1;
      child?.kill('SIGKILL');
      tally.killed += 1;
      await run;
    } else {
      assert.equal(outcome.r.code, 0, `azsess ${args.join(' ')}: ${outcome.r.stderr}`);
      if (args[0] === 'token') tally.refreshed.add(args[args.indexOf('--resource') + 1]!);
    }
    readValid();
  }
}

test(`${kills} SIGKILLs during concurrent refreshes and writes: the cache stays valid and whole`, async () => {
  seedBaseline();
  // Slow answers keep a refreshing process inside the lock while it waits.
  idp.faults.add('token', { delayMs: 100 });
  const tally: Tally = { killed: 0, lockHeld: 0, midWrite: 0, refreshed: new Set() };
  await Promise.all(Array.from({ length: lanes }, (_, id) => lane(id, tally)));
  idp.faults.clear();

  // The storm is over: a run that needs the lock takes over any lock a killed process left. Its own
  // deadline is the bound (a lock never judged stale would end it with exit 5), not the test's
  // clock, which a loaded machine slows: several stale times, well below the default 60 s.
  const last = await runCli(['token', '--protocol', 'client-credentials', '--resource', resources[0]!, '--offset', '4000', '--timeout', '20'], {
    userHome: tmp.userHome,
    env: env(),
  });
  assert.equal(last.code, 0, last.stderr);

  const { resources: stored } = readValid();
  for (let i = 0; i < baseline; i++) assert.ok(stored.has(`https://baseline-${i}.example/`), `baseline session ${i} was lost`);
  for (const resource of tally.refreshed) assert.ok(stored.has(resource), `the completed refresh for ${resource} was lost`);
  assert.ok(!existsSync(join(tmp.home, 'sessions.json.lock')), 'no lock left behind');
  const leftovers = readdirSync(tmp.home).filter((f) => f.includes('.tmp-'));
  process.stderr.write(
    `# crash storm: ${tally.killed} kills, ${tally.lockHeld} while a lock was held, ${tally.midWrite} with a temp file present, ` +
      `${tally.refreshed.size} resources refreshed to completion, ${leftovers.length} temp files left\n`,
  );
  assert.ok(tally.killed >= kills);
  assert.ok(tally.lockHeld > 0, 'some kills landed inside the lock');
});
