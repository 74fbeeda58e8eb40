import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { cleanEnv } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';
import { argv, capture, checkRun, fuzzEnv, seed, startRefusingServer, type RunOutcome } from './cli-grammar.js';

/**
 * The command-line grammar of cli.fuzz.test.ts, thousands of times, through `main()` in this
 * process (the real processes there cost 50 ms each; here a case costs about a millisecond, so
 * the grammar gets many more cases). Same properties: a documented exit code, no stack trace, no
 * secret in any output, and no hang.
 */
let server: { url: string; close(): Promise<void> };
before(async () => {
  server = await startRefusingServer();
});
after(() => server.close());

async function runInProcess(args: string[]): Promise<RunOutcome> {
  const tmp = makeTmpHome();
  const out = capture();
  const err = capture();
  const ctx: CliContext = {
    argv: ['node', 'azsess', ...args],
    env: cleanEnv({ userHome: tmp.userHome, env: fuzzEnv(server.url) }),
    stdin: Readable.from([]),
    stdout: out.stream,
    stderr: err.stream,
    stderrIsTTY: false,
    homedir: tmp.userHome,
    platform: 'linux',
    now: () => new Date(),
  };
  // Each network start adds a Ctrl-C handler to this process: keep the process as it was.
  const sigint = process.listeners('SIGINT');
  const cwd = process.cwd();
  // In the scratch home, where a relative --home or file name lands (this file has a process of its own).
  process.chdir(tmp.userHome);
  let timer: NodeJS.Timeout | undefined;
  try {
    const hang = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 20_000)));
    const code = await Promise.race([main(ctx), hang]);
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    clearTimeout(timer);
    process.chdir(cwd);
    for (const listener of process.listeners('SIGINT')) if (!sigint.includes(listener)) process.off('SIGINT', listener);
    tmp.cleanup();
  }
}

test('main() on 3000 generated command lines', async () => {
  for (const args of fc.sample(argv, { numRuns: 3000, seed: seed + 1 })) checkRun(args, await runInProcess(args));
});
