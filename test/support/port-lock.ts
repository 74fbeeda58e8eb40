import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * A fixed TCP port shared by test files that run in parallel processes (44300, azsess's default
 * redirect port): a test that may bind it holds this machine-wide lock for as long as it does,
 * so a test that needs the port busy, or free, is never raced by another file.
 */
export async function withPortLock<T>(port: number, body: () => Promise<T>): Promise<T> {
  const file = join(tmpdir(), `azsess-test-port-${port}`);
  closeSync(openSync(file, 'a'));
  // A holder that died leaves a lock that goes stale in 30 s; a live one refreshes it.
  const release = await lockfile.lock(file, { stale: 30_000, update: 5_000, retries: { forever: true, minTimeout: 50, maxTimeout: 500 } });
  try {
    return await body();
  } finally {
    await release();
  }
}

/** azsess's default redirect port (session.ts `defaultRedirectUri`). */
export const DEFAULT_REDIRECT_PORT = 44300;
