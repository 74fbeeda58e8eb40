import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult, type RunOptions } from './run-cli.js';

/** The authorize URL azsess prints on a line of its own. */
const authorizeLine = /^(https?:\/\/\S+\/oauth2\/v2\.0\/authorize\?\S+)$/m;

/**
 * Runs azsess and, as soon as it shows the authorize URL on stderr, lets `onUrl` play the person
 * in the browser (or an attacker). Returns azsess's result and what `onUrl` returned.
 */
export async function withAuthorizeUrl<T>(
  args: string[],
  options: RunOptions,
  onUrl: (url: string, child: ChildProcess) => Promise<T>,
): Promise<{ result: CliResult; outcome: T }> {
  let acting: Promise<T> | undefined;
  const result = await runCli(args, {
    timeoutMs: 30_000,
    ...options,
    onSpawn: (child) => {
      let seen = '';
      child.stderr!.on('data', (d: Buffer | string) => {
        seen += d.toString();
        const url = authorizeLine.exec(seen)?.[1];
        if (url && !acting) {
          acting = onUrl(url, child);
          acting.catch(() => undefined); // awaited below; this only keeps it from being "unhandled" meanwhile
        }
      });
      options.onSpawn?.(child);
    },
  });
  if (!acting) throw new Error(`azsess showed no authorize URL (exit ${result.code}):\n${result.stderr}`);
  return { result, outcome: await acting };
}

/** The redirect URI an authorize URL sends the answer to. */
export function redirectOf(authorizeUrl: string): URL {
  return new URL(new URL(authorizeUrl).searchParams.get('redirect_uri')!);
}

export function pkceChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** True when the home holds no session at all (sessions.json absent or empty). */
export function noSessionsIn(home: string): boolean {
  const path = join(home, 'sessions.json');
  if (!existsSync(path)) return true;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { sessions?: unknown[] };
  return (doc.sessions ?? []).length === 0;
}
