import { spawn, type ChildProcess } from 'node:child_process';
import { findLeaks } from './leak-scan.js';
import { azsessBin, dockerHelperBin } from './paths.js';
import { assertRequired, clientsOfAzsessArgs } from './requires.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Variables added to a clean environment (PATH and HOME only, no AZURE_* from the caller). */
  env?: Record<string, string | undefined>;
  /** The user's home ($HOME) for the run. */
  userHome?: string;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Kill the run after this long (a hung azsess must fail the test, not stall it). */
  timeoutMs?: number;
  bin?: 'azsess' | 'docker-credential-azsess';
  /** The working directory (default: the test's), where relative paths given to azsess land. */
  cwd?: string;
  /** Called with the child as soon as it starts (to watch stderr, send signals). */
  onSpawn?: (child: ChildProcess) => void;
}

/** A clean environment: what a user's shell would have, and nothing from the test runner. */
export function cleanEnv(options: RunOptions): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
  if (options.userHome) env.HOME = options.userHome;
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Runs the built CLI as a subprocess, asynchronously: the test servers live in this process and
 * must keep answering while it runs.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const bin = options.bin === 'docker-credential-azsess' ? dockerHelperBin : azsessBin;
  if (options.bin !== 'docker-credential-azsess') for (const client of clientsOfAzsessArgs(args)) assertRequired(client);
  const env = cleanEnv(options);
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => undefined); // azsess may exit before reading stdin
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // The leak scan: no run may show an issued secret on stderr or in a config it wrote.
      const leaks = findLeaks(stderr, env);
      if (leaks.length > 0) {
        const where = leaks.map((l) => `${l.where} (${l.kinds.join(', ')})`).join('; ');
        // The command by its words only: its arguments may be the very secret (az login -p).
        reject(new Error(`azsess ${args.filter((a) => /^[a-z][a-z-]*$/.test(a)).slice(0, 3).join(' ')} leaked an issued secret: ${where}`));
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
}
