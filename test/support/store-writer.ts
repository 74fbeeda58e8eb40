/**
 * A process that adds sessions to a home through the store, for the concurrency and crash tests.
 * Usage: node store-writer.js <home> <writer id> <count> [stale lock ms]
 * Prints "committed <resource>" after each session is durably written, and "step <name>" at each
 * step of the lock protocol. AZSESS_TEST_PAUSE=<step>,... holds it at the first time it reaches
 * each step named ("paused <name>") until a line "go <name>" arrives on stdin.
 */
import type { Session } from '../../src/core/session.js';
import { silentLog } from '../../src/core/log.js';
import { lockSteps, type LockStep } from '../../src/store/lock.js';
import { updateSessions } from '../../src/store/sessions.js';
import { createInterface } from 'node:readline';

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

const [home, writer, countText, staleText] = process.argv.slice(2);
const count = Number(countText ?? '1');

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
  await updateSessions(home!, { deadline: Date.now() + 120_000, log: silentLog, ...(staleText ? { staleLockMs: Number(staleText) } : {}) }, (doc) => {
    doc.sessions.unshift(session);
  });
  process.stdout.write(`committed ${resource}\n`);
}
commands?.close();
