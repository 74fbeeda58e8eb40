/**
 * A process that adds sessions to a home through the store, for the concurrency and crash tests.
 * Usage: node store-writer.js <home> <writer id> <count> [stale lock ms] [pause at write n] [resume file]
 * Prints "committed <resource>" after each session is durably written, and "step <name>" at each
 * step of the lock protocol. With a pause, the n-th
 * write stops between its temp file and the rename, prints "paused <what>" and waits to be
 * killed (the crash window, made deterministic), or, given a resume file, until that file exists
 * (a holder stalled past the stale time, whose lock another process takes over meanwhile).
 * AZSESS_TEST_PAUSE=<step>,... holds it at the first time it reaches each lock step named
 * ("paused <name>") until a line "go <name>" arrives on stdin.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { createInterface } from 'node:readline';
import type { Session } from '../../src/domain/session.js';
import type { LockStep } from '../../src/store/lock.js';

const [home, writer, countText, staleText, pauseText, resumeFile] = process.argv.slice(2);
const count = Number(countText ?? '1');
const pauseAt = Number(pauseText ?? '0');

/** Stops this process, synchronously (as a stopped or starved one: no timer of it runs). */
function stall(): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  if (!resumeFile) Atomics.wait(cell, 0, 0); // until SIGKILL
  while (resumeFile && !fs.existsSync(resumeFile)) Atomics.wait(cell, 0, 0, 20);
}

/**
 * The pause hooks, set on node:fs before the store is loaded. Without a resume file the n-th
 * write stops just before its rename, to be killed there; with one, it stalls earlier, while its
 * temp file is being synced (a slow disk), before the store's last check of its lock.
 */
function pauseWrite(n: number): void {
  const { openSync, fsyncSync, renameSync } = fs;
  const temps = new Set<number>();
  let writes = 0;
  fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
    const fd = (openSync as (...a: unknown[]) => number)(path, ...rest);
    if (String(path).includes('sessions.json.tmp-') && ++writes === n) temps.add(fd);
    return fd;
  }) as typeof fs.openSync;
  fs.fsyncSync = (fd: number) => {
    fsyncSync(fd);
    if (resumeFile && temps.delete(fd)) {
      fs.writeSync(1, 'paused syncing\n');
      stall();
    }
  };
  fs.renameSync = (from: fs.PathLike, to: fs.PathLike) => {
    if (!resumeFile && String(from).includes('sessions.json.tmp-') && writes === n && temps.size > 0) {
      temps.clear();
      fs.writeSync(1, `paused ${String(from)}\n`);
      stall();
    }
    renameSync(from, to);
  };
  syncBuiltinESMExports();
}

if (pauseAt > 0) pauseWrite(pauseAt);
const { silentLog } = await import('../../src/domain/log.js');
const { updateSessions } = await import('../../src/store/sessions-lock.js');
const { lockSteps } = await import('../../src/store/lock.js');

const pauses = new Set((process.env.AZSESS_TEST_PAUSE ?? '').split(',').filter(Boolean));
const released = new Map<string, () => void>();
const commands = pauses.size > 0 ? createInterface({ input: process.stdin }) : undefined;
commands?.on('line', (line) => released.get(line.replace(/^go /, ''))?.());
lockSteps.at = async (step: LockStep) => {
  process.stdout.write(`step ${step}\n`);
  if (!pauses.delete(step)) return;
  process.stdout.write(`paused ${step}\n`);
  await new Promise<void>((resolve) => released.set(step, resolve));
};

function sessionFor(resource: string): Session {
  return {
    protocol: 'AzClientCredentials', clientId: `client-${writer}`, tenant: 'contoso.onmicrosoft.com',
    token: `token-${resource}`, expiry: new Date(Date.now() + 3600_000), refreshToken: '', idToken: '', scope: [],
    scopeAuth: [], redirectUri: '', resource, clientSecret: '', lock: false, extra: {},
  };
}

for (let i = 0; i < count; i++) {
  const resource = `https://writer-${writer}-${i}.example/`;
  const session = sessionFor(resource);
  await updateSessions(home!, { deadline: Date.now() + 120_000, log: silentLog, ...(Number(staleText) > 0 ? { staleLockMs: Number(staleText) } : {}) }, (doc) => {
    doc.sessions.unshift(session);
  });
  process.stdout.write(`committed ${resource}\n`);
}
commands?.close();
