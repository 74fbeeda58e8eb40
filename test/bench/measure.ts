import { spawn } from 'node:child_process';

export interface Run {
  ms: number;
  code: number | null;
  stdout: string;
}

export interface Command {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  /** Written to stdin (credential helpers read their request there). */
  input?: string;
  /** A command that is expected to fail (az without an account). */
  anyExit?: boolean;
}

/** Runs a command once and times it from spawn to exit. */
export function timeRun(c: Omit<Command, 'name'>): Promise<Run> {
  const start = process.hrtime.bigint();
  const child = spawn(c.cmd, c.args, { env: c.env, stdio: ['pipe', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stdin.on('error', () => undefined);
  child.stdin.end(c.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, stdout }));
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times several commands in interleaved rounds, so that a slower moment of the machine weighs on
 * all of them alike; each round starts with the next command, so none always runs first. Returns
 * the median of each.
 */
export async function interleaved(commands: Command[], rounds: number): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(commands.map((c) => [c.name, []]));
  for (let i = 0; i < rounds; i++) {
    for (const c of [...commands.slice(i % commands.length), ...commands.slice(0, i % commands.length)]) {
      const run = await timeRun(c);
      if (run.code !== 0 && !c.anyExit) throw new Error(`${c.name} exited ${run.code}`);
      times[c.name]!.push(run.ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** Starts `count` copies at once and times until the last exits. */
export async function herd(c: Omit<Command, 'name'>, count: number): Promise<{ ms: number; runs: Run[] }> {
  const start = process.hrtime.bigint();
  const runs = await Promise.all(Array.from({ length: count }, () => timeRun(c)));
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, runs };
}
