import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { cleanEnv } from './run-cli.js';
import { findLeaks } from './leak-scan.js';
import { azsessBin, distTest, repoRoot } from './paths.js';
import { runCommand } from './run-command.js';

/** A running `azsess serve`, as a user starts it: a subprocess whose stdout gives the two lines. */
export interface ServeProcess {
  endpoint: string;
  header: string;
  stdout: string;
  child: ChildProcess;
  /** Everything on stderr so far. */
  stderr(): string;
  /** Resolves when stderr has a line matching `pattern` (the request log is written after each answer). */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** Sends SIGTERM (or `signal`) and waits for the exit; the leak scan runs on stderr. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export interface ServeStartOptions {
  env?: Record<string, string>;
  userHome?: string;
}

/** Starts `azsess serve <args>`; rejects with its stderr if it exits before printing both lines. */
export function startServe(args: string[], options: ServeStartOptions = {}): Promise<ServeProcess> {
  const env = cleanEnv(options);
  const child = spawn(process.execPath, [azsessBin, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const stop: ServeProcess['stop'] = async (signal = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const result = await exited;
    const leaks = findLeaks(stderr, env);
    if (leaks.length > 0) throw new Error(`azsess serve leaked an issued secret on ${leaks.map((l) => l.where).join(', ')}`);
    return { ...result, stderr };
  };
  const waitForStderr = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = stderr.split('\n').find((line) => pattern.test(line));
        if (match !== undefined) {
          waiters.splice(waiters.indexOf(check), 1);
          resolve(match);
        } else if (child.exitCode !== null) reject(new Error(`azsess serve exited before ${pattern}: ${stderr}`));
      };
      waiters.push(check);
      check();
    });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const endpoint = /^IDENTITY_ENDPOINT=(.*)$/m.exec(stdout)?.[1];
      const header = /^IDENTITY_HEADER=(.*)$/m.exec(stdout)?.[1];
      if (endpoint && header) resolve({ endpoint, header, get stdout() { return stdout; }, child, stderr: () => stderr, waitForStderr, stop });
    });
    void exited.then(({ code }) => reject(new Error(`azsess serve exited (${code}) before serving: ${stderr}`)));
  });
}

/** What an SDK program printed: the tokens it got and the errors its user would see. */
export interface SdkResult {
  tokens: string[];
  errors: string[];
  ms: number[];
}

/** Nothing but the two variables (and a home and PATH with no Azure tool in them), as the issue asks. */
function sdkEnv(serve: Pick<ServeProcess, 'endpoint' | 'header'>, home: string, extra: Record<string, string>): Record<string, string> {
  return { PATH: dirname(process.execPath), HOME: home, LANG: 'C.UTF-8', IDENTITY_ENDPOINT: serve.endpoint, IDENTITY_HEADER: serve.header, ...extra };
}

async function runSdk(file: string, args: string[], env: Record<string, string>): Promise<SdkResult> {
  const r = await runCommand(file, args, { env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${args[0]} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as SdkResult;
}

export interface SdkCall {
  scope: string;
  count?: number;
  clientId?: string;
  /** The user's home for the SDK (its own, not azsess's). */
  home: string;
  /** To test a wrong header: variables that replace the two. */
  env?: Record<string, string>;
}

/** `@azure/identity` (JavaScript): ManagedIdentityCredential, or DefaultAzureCredential. */
export function jsGetToken(serve: Pick<ServeProcess, 'endpoint' | 'header'>, kind: 'managed-identity' | 'default', call: SdkCall): Promise<SdkResult> {
  const script = join(distTest, 'support', 'sdk-clients', 'azure-identity-js.js');
  const args = [script, kind, call.scope, String(call.count ?? 1), ...(call.clientId ? [call.clientId] : [])];
  return runSdk(process.execPath, args, sdkEnv(serve, call.home, call.env ?? {}));
}

/** Debian's python3-azure, with Debian's own python (another python3 may come first on PATH). */
export const debianPython = '/usr/bin/python3';

export function pythonGetToken(serve: Pick<ServeProcess, 'endpoint' | 'header'>, call: SdkCall): Promise<SdkResult> {
  const script = join(repoRoot, 'test', 'support', 'sdk-clients', 'azure_identity_python.py');
  const args = [script, call.scope, String(call.count ?? 1), ...(call.clientId ? [call.clientId] : [])];
  return runSdk(debianPython, args, sdkEnv(serve, call.home, { PATH: '/usr/bin:/bin', ...(call.env ?? {}) }));
}
