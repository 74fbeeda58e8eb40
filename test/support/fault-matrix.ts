import type { Fault } from '../idp/faults.js';

/**
 * The fault matrix: every network endpoint azsess uses, against every fault a network or a proxy
 * can produce, with the outcome each cell must have. The integration tests
 * (test/integration/fault-matrix-*.test.ts) run every cell; `fault-matrix-doc.ts` makes the
 * table of docs/reliability.md from the same data, and a unit test keeps the two equal.
 * Pure data: importing it starts no server.
 */

/** What azsess must do when a fault meets an endpoint. */
export type Outcome =
  | {
      kind: 'recovered';
      /** Requests the faulted endpoint receives, the faulted ones included. */
      requests: number;
      /** Least time between the first and the second request (Retry-After honoured). */
      minGapMs?: number;
    }
  | {
      kind: 'failed';
      /** `one`: the fault is final at once; `some`: retried until the deadline. */
      requests: 'one' | 'some';
      /** What the sentence says about the fault, after the endpoint's name. */
      says: RegExp;
      /** The sentence's gist, for docs/reliability.md. */
      gist: string;
    };

export interface FaultCase {
  id: string;
  /** The row heading in docs/reliability.md. */
  label: string;
  /** What azsess does when it recovers, for docs/reliability.md (a failure says its `gist`). */
  does?: string;
  fault: Fault;
  /** How many requests get the fault (default: all of them). */
  times?: number;
  /**
   * --timeout for the run, in seconds: short where the cell is about the deadline (a hang), never
   * so short that a slow start on a loaded machine decides the outcome. The deadline counts from
   * the command's start, so a cell whose outcome needs an answer first (a refusal, a failure
   * retried) must leave room for a start-up and a first request that take seconds under load.
   */
  timeoutSeconds: number;
  outcome: Outcome;
}

const recovered = (requests: number, minGapMs?: number): Outcome => ({ kind: 'recovered', requests, ...(minGapMs ? { minGapMs } : {}) });
/** The outcome is the deadline itself: an answer that never comes in full. */
const untilDeadline = 3;
/** Retried until the deadline: at least one answer (the fault) must arrive before it. */
const retriedUntilDeadline = 8;
/** Less than the 30 s a Retry-After asks for, so waiting it out would pass the deadline. */
const belowRetryAfter = 15;
const plenty = 40;

const keptFailing = (status: number): Outcome => ({
  kind: 'failed', requests: 'some', says: new RegExp(`kept failing \\(HTTP ${status}\\) \\(\\d+ attempts? in \\d+ s; [^)]*\\); try again later\\.$`),
  gist: `kept failing (HTTP ${status}); try again later`,
});
const closedEarly: Outcome = {
  kind: 'failed', requests: 'some', says: /closed the connection before answering in full \(\d+ attempts? in \d+ s\); check the network and proxy settings, or raise RAISE_DEADLINE\.$/,
  gist: 'closed the connection before answering in full; check the network and proxy settings, or raise --timeout (docker\'s helper: AZSESS_TIMEOUT)',
};
const timedOut: Outcome = {
  kind: 'failed', requests: 'one', says: /did not answer within \d+ s \(1 attempt in \d+ s\); check the network and proxy settings, or raise RAISE_DEADLINE\.$/,
  gist: 'Timed out: … did not answer within 3 s; check the network and proxy settings, or raise --timeout (docker\'s helper: AZSESS_TIMEOUT)',
};

/** The faults, each once (azsess must recover) or for good (azsess must give up in time). */
export const faultCases: readonly FaultCase[] = [
  { id: 'hang-once', label: 'hangs once', does: 'the attempt times out after 10 s; a second attempt succeeds', fault: { hang: true }, times: 1, timeoutSeconds: plenty, outcome: recovered(2) },
  { id: '503-twice', label: 'HTTP 503 twice', does: 'retried with backoff and jitter; the third attempt succeeds', fault: { status: 503 }, times: 2, timeoutSeconds: plenty, outcome: recovered(3) },
  {
    id: '429-once', label: '429, Retry-After: 2, once', does: 'waits the 2 s that Retry-After asks for, then succeeds', fault: { status: 429, headers: { 'Retry-After': '2' } }, times: 1,
    timeoutSeconds: plenty, outcome: recovered(2, 2000),
  },
  { id: 'drop-once', label: 'connection dropped once', does: 'retried after a short backoff; succeeds', fault: { drop: true }, times: 1, timeoutSeconds: plenty, outcome: recovered(2) },
  { id: 'truncate-once', label: 'truncated body once', does: 'a short body counts as a dropped connection: retried, succeeds', fault: { truncate: true }, times: 1, timeoutSeconds: plenty, outcome: recovered(2) },
  { id: 'html-502-once', label: 'proxy 502 page once', does: 'retried as any 502; succeeds', fault: { htmlErrorPage: 502 }, times: 1, timeoutSeconds: plenty, outcome: recovered(2) },
  { id: 'trickle', label: 'slow trickle (2 KB/s)', does: 'read to the end within the deadline; succeeds', fault: { trickle: { bytesPerSecond: 2000 } }, timeoutSeconds: plenty, outcome: recovered(1) },
  { id: '500-always', label: 'HTTP 500 always', fault: { status: 500 }, timeoutSeconds: retriedUntilDeadline, outcome: keptFailing(500) },
  {
    id: '429-always', label: '429, Retry-After: 30, always', fault: { status: 429, headers: { 'Retry-After': '30' } }, timeoutSeconds: belowRetryAfter,
    outcome: {
      kind: 'failed', requests: 'one', says: /kept throttling \(HTTP 429, retry after 30\) \(1 attempt in \d+ s; [^)]*\); try again later\.$/,
      gist: 'kept throttling (HTTP 429, retry after 30); try again later (it does not sleep past the deadline)',
    },
  },
  { id: 'drop-always', label: 'connection dropped always', fault: { drop: true }, timeoutSeconds: retriedUntilDeadline, outcome: closedEarly },
  { id: 'hang-always', label: 'hangs always', fault: { hang: true }, timeoutSeconds: untilDeadline, outcome: timedOut },
  { id: 'truncate-always', label: 'truncated body always', fault: { truncate: true }, timeoutSeconds: retriedUntilDeadline, outcome: closedEarly },
  {
    id: 'non-json', label: '200 text/html, not JSON', fault: { nonJson: true }, timeoutSeconds: plenty,
    outcome: {
      kind: 'failed', requests: 'one', says: /answered HTTP 200 with text\/html, not the JSON expected; a proxy or an outage may be in the way \(client-request-id [0-9a-f-]+\)\.$/,
      gist: 'answered HTTP 200 with text/html, not the JSON expected; a proxy or an outage may be in the way (not retried)',
    },
  },
  { id: 'trickle-too-slow', label: 'trickle slower than the deadline (20 B/s)', fault: { trickle: { bytesPerSecond: 20 } }, timeoutSeconds: untilDeadline, outcome: timedOut },
  { id: 'html-502-always', label: 'proxy 502 page always', fault: { htmlErrorPage: 502 }, timeoutSeconds: retriedUntilDeadline, outcome: keptFailing(502) },
];

/** One network endpoint of azsess, and how a failure reaches the user. */
export interface EndpointRow {
  id: string;
  /** The test's name for the endpoint. */
  label: string;
  /** The column heading in docs/reliability.md. */
  short: string;
  /** The command the cells run. */
  command: string;
  /** How azsess names the endpoint in its sentences. */
  purpose: string;
  /** Exit code of a failure: 5 for azsess, 1 for docker's helper (which prints the sentence on stdout). */
  failureExit: 5 | 1;
  /** Cells whose outcome differs from the fault's own, by fault id. */
  exceptions?: Partial<Record<string, Outcome>>;
}

export const endpointRows: readonly EndpointRow[] = [
  { id: 'refresh', short: 'Entra token: refresh', label: 'Entra token endpoint: refresh', command: 'azsess token --no-interactive (expired device code session)', purpose: 'the token endpoint', failureExit: 5 },
  { id: 'client-credentials', short: 'Entra token: client credentials', label: 'Entra token endpoint: client credentials', command: 'azsess token --protocol client-credentials', purpose: 'the token endpoint', failureExit: 5 },
  { id: 'device-code', short: 'Entra device code', label: 'Entra device code endpoint', command: 'azsess login --protocol device-code', purpose: 'the device code endpoint', failureExit: 5 },
  { id: 'imds', short: 'IMDS', label: 'IMDS', command: 'azsess token --protocol vm', purpose: 'IMDS', failureExit: 5 },
  { id: 'app-service', short: 'App Service', label: 'App Service identity endpoint', command: 'azsess token --protocol vm (IDENTITY_ENDPOINT)', purpose: 'the App Service identity endpoint', failureExit: 5 },
  { id: 'service-fabric', short: 'Service Fabric', label: 'Service Fabric identity endpoint', command: 'azsess token --protocol vm (IDENTITY_SERVER_THUMBPRINT)', purpose: 'the Service Fabric identity endpoint', failureExit: 5 },
  { id: 'github', short: 'GitHub OIDC', label: 'GitHub Actions OIDC', command: 'azsess token --protocol federated (ACTIONS_ID_TOKEN_REQUEST_URL)', purpose: 'the GitHub Actions OIDC endpoint', failureExit: 5 },
  { id: 'azure-pipelines', short: 'Azure Pipelines OIDC', label: 'Azure Pipelines OIDC', command: 'azsess token --protocol federated (SYSTEM_OIDCREQUESTURI)', purpose: 'the Azure Pipelines OIDC endpoint', failureExit: 5 },
  { id: 'acr-exchange', short: 'ACR exchange (docker helper)', label: 'ACR /oauth2/exchange', command: 'docker-credential-azsess get', purpose: 'the registry token exchange', failureExit: 1 },
];

export interface MatrixCell {
  row: EndpointRow;
  fault: FaultCase;
  outcome: Outcome;
}

/** The cells of some rows, longest first so that they overlap the short ones when run concurrently. */
export function matrixCells(rowIds: readonly string[]): MatrixCell[] {
  const cells = endpointRows
    .filter((row) => rowIds.includes(row.id))
    .flatMap((row) => faultCases.map((fault) => ({ row, fault, outcome: row.exceptions?.[fault.id] ?? fault.outcome })));
  const weight = (c: MatrixCell) => (c.fault.id === 'hang-once' ? 2 : c.outcome.kind === 'failed' ? 1 : 0);
  return cells.sort((a, b) => weight(b) - weight(a));
}
