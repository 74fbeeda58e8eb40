import { spawn } from 'node:child_process';

export interface ProgramResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunProgramOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Killed after this long (default 30 s): a setup step must not hang. */
  timeoutMs?: number;
}

/**
 * Runs another tool (git, kubectl) to change its own configuration, the way that tool does it.
 * Rejects with the spawn error (code ENOENT when the program is not installed).
 */
export function runProgram(file: string, args: readonly string[], options: RunProgramOptions): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
