import { spawn, type ChildProcess } from 'node:child_process';
import { findLeaks } from './leak-scan.js';
import { assertRequired } from './requires.js';
import type { CliResult } from './run-cli.js';

export interface CommandOptions {
  env: Record<string, string>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Called with the child as soon as it starts (to watch its output). */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * Runs a real client (git, skopeo, kubectl, a shell) asynchronously: the servers it talks to live
 * in the test process and must keep answering while it runs. The leak scan applies, as for runCli.
 */
export function runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CliResult> {
  assertRequired(file);
  const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // The client shows azsess's stderr as its own: the same leak scan as runCli's.
      const leaks = findLeaks(stderr, options.env);
      if (leaks.length > 0) {
        reject(new Error(`${file} ${args.join(' ')} leaked an issued secret: ${leaks.map((l) => `${l.where} (${l.kinds.join(', ')})`).join('; ')}`));
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
}
