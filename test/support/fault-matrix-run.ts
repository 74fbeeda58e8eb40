import assert from 'node:assert/strict';
import type { Faults } from '../idp/faults.js';
import type { RequestLog } from '../idp/request-log.js';
import type { Session } from '../../src/domain/session.js';
import type { MatrixCell } from './fault-matrix.js';
import { assertStoreKept, seedHome } from './fault-matrix-store.js';
import type { CliResult } from './run-cli.js';
import { makeTmpHome } from './tmp-home.js';

/** One cell's server side and command, made fresh for the cell so that cells can run at once. */
export interface CellTarget {
  faults: Faults;
  /** The log in which the faulted endpoint's requests appear, under the name `endpoint`. */
  requests: RequestLog;
  endpoint: string;
  /** Stored sessions the command may replace (expired ones of its own identity). */
  inFlight?: Session[];
  /** Stored sessions the command uses unchanged (a valid Entra token before an ACR exchange). */
  kept?: Session[];
  /** Runs the row's command in `userHome`; `verbose` for the recovering cells, whose stderr is scanned for secrets. */
  run(options: { userHome: string; timeoutSeconds: number; verbose: boolean }): Promise<CliResult>;
  /** Checks what a success printed (default: something on stdout, the token or credential). */
  assertProduct?(result: CliResult): void;
  /** Every secret the servers issued or received so far. */
  secrets(): string[];
  close(): Promise<void>;
}

/** Secrets in `text`, among `secrets` (values shorter than 8 characters are not secrets). */
function leaked(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length >= 8 && text.includes(s));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The endpoint named as azsess names it (its first letter capitalised as a sentence's), then the fault. */
function sentencePattern(cell: MatrixCell, says: RegExp): RegExp {
  const purpose = cell.row.purpose;
  const name = `(?:Timed out: ${escape(purpose)}|${escape(purpose[0]!.toUpperCase() + purpose.slice(1))})`;
  // The helper takes no --timeout: its sentence names the variable (issue 19).
  const raise = cell.row.failureExit === 1 ? 'AZSESS_TIMEOUT \\(seconds, default 60\\)' : '--timeout';
  return new RegExp(`^${name} at 127\\.0\\.0\\.1:\\d+ ${says.source.replace('RAISE_DEADLINE', raise)}`);
}

/** The one line a failure must show: azsess's on stderr, docker's helper's on stdout. */
function failureLine(cell: MatrixCell, result: CliResult): string {
  const docker = cell.row.failureExit === 1;
  assert.equal(docker ? result.stderr : result.stdout, '', docker ? 'the helper is quiet on stderr' : 'nothing on stdout');
  const text = docker ? result.stdout : result.stderr;
  assert.match(text, /^[^\n]+\n$/, `exactly one line:\n${text}`);
  const line = text.slice(0, -1);
  if (docker) return line;
  assert.match(line, /^azsess: error: /);
  return line.slice('azsess: error: '.length);
}

function assertOutcome(cell: MatrixCell, target: CellTarget, result: CliResult, seconds: number): void {
  const { outcome, fault, row } = cell;
  const requests = target.requests.filter({ endpoint: target.endpoint });
  assert.doesNotMatch(result.stderr + result.stdout, /\n\s+at |Error:/, 'no stack trace');
  if (outcome.kind === 'recovered') {
    assert.equal(result.code, 0, result.stderr + result.stdout);
    if (target.assertProduct) target.assertProduct(result);
    else assert.notEqual(result.stdout.trim(), '', 'the token (or credential) is printed');
    assert.equal(requests.length, outcome.requests, `requests to ${target.endpoint}`);
    if (outcome.minGapMs) assert.ok(requests[1]!.time - requests[0]!.time >= outcome.minGapMs, 'waited as Retry-After said');
    return;
  }
  assert.equal(result.code, row.failureExit, result.stderr + result.stdout);
  assert.match(failureLine(cell, result), sentencePattern(cell, outcome.says));
  if (outcome.requests === 'one') assert.equal(requests.length, 1, `requests to ${target.endpoint}`);
  else assert.ok(requests.length >= 1);
  // Generous slack: many processes share two cores, and a start-up on a busy machine is slow.
  assert.ok(seconds < fault.timeoutSeconds + 10, `ended ${seconds.toFixed(1)} s after its start, deadline ${fault.timeoutSeconds} s`);
}

/**
 * Runs one cell: a fresh target and a seeded home, the fault armed, the command run; then the
 * outcome of the table, no secret in what the user sees, and the store as it must be.
 */
export async function runCell(cell: MatrixCell, start: (cell: MatrixCell) => Promise<CellTarget>): Promise<void> {
  const tmp = makeTmpHome();
  const target = await start(cell);
  try {
    const seeded = seedHome(tmp.home, target.inFlight ?? [], target.kept ?? []);
    target.faults.add(target.endpoint, cell.fault.fault, cell.fault.times ? { times: cell.fault.times } : {});
    const recovering = cell.outcome.kind === 'recovered';
    const started = Date.now();
    const result = await target.run({ userHome: tmp.userHome, timeoutSeconds: cell.fault.timeoutSeconds, verbose: recovering });
    const seconds = (Date.now() - started) / 1000;
    assertOutcome(cell, target, result, seconds);
    const shown = recovering ? result.stderr : result.stderr + result.stdout;
    assert.deepEqual(leaked(shown, [...target.secrets(), ...seeded.secrets]), [], 'no secret in what azsess shows');
    assertStoreKept(tmp.home, seeded, recovering);
  } finally {
    await target.close();
    tmp.cleanup();
  }
}
