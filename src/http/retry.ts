import { ServiceError } from '../domain/errors.js';
import type { Log } from '../domain/log.js';
import { TransportError, type HttpClient, type HttpRequest, type HttpResponse } from './types.js';
import { raiseTimeoutVariable } from '../domain/deadline-advice.js';

/** What may be retried beyond the defaults (transport errors, 5xx, 429). */
export interface RetryPolicy {
  /** IMDS answers 404 and 410 while an identity is being set up. */
  extraStatuses?: readonly number[];
  /** AzSessions.jl tries token calls up to 10 times. */
  maxAttempts?: number;
}

export interface SenderOptions {
  /** Epoch ms: every attempt and every wait ends by then. */
  deadline: number;
  /** Bound of one attempt (default 10 s). */
  requestTimeoutMs?: number;
  log: Log;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * How the command's deadline is raised, for the give-up sentence (domain/deadline-advice.ts).
   * Default: AZSESS_TIMEOUT, which every command takes.
   */
  raiseDeadline?: string;
}

/** Sends with retries; answers with the first response that is not worth retrying. */
export interface Sender {
  send(request: HttpRequest, policy?: RetryPolicy): Promise<HttpResponse>;
  readonly deadline: number;
}

/**
 * Entra's "client request loop detected": too many identical requests in a short time, and Entra
 * asks clients to stop. AzSessions.jl waits 2-3 minutes, which never fits a command's deadline
 * (60 s by default), so azsess tries once more after half the time left (at most 30 s), then
 * explains (oauth/token-response.ts).
 */
const loopDetectedCode = 50196;
const loopDetectedMaxWaitSeconds = 30;

/** Seconds from a Retry-After header: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMs) / 1000);
}

/** AzSessions.jl's backoff: min(2^(i-1), 60) s plus up to a second of jitter. */
export function backoffSeconds(attempt: number, random: () => number): number {
  return Math.min(2 ** (attempt - 1), 60) + random();
}

function hasErrorCode(body: string, code: number): boolean {
  try {
    const codes = (JSON.parse(body) as { error_codes?: unknown }).error_codes;
    return Array.isArray(codes) && codes.some((c) => Number(c) === code);
  } catch {
    return false;
  }
}

type Verdict = { retry: false } | { retry: true; waitSeconds: number; reason: string; loop?: true };

interface Judging extends Required<Pick<SenderOptions, 'now' | 'random'>> {
  /** Ms left before the deadline. */
  remaining: number;
  /** A request loop was already waited out once in this send. */
  loopRetried: boolean;
}

function judge(res: HttpResponse, attempt: number, policy: RetryPolicy, o: Judging): Verdict {
  const after = parseRetryAfter(res.headers['retry-after'], o.now());
  const backoff = backoffSeconds(attempt, o.random);
  if (res.status === 429) return { retry: true, waitSeconds: after !== undefined ? after + o.random() : backoff, reason: 'HTTP 429 (throttled)' };
  if (res.status >= 500) return { retry: true, waitSeconds: after ?? backoff, reason: `HTTP ${res.status}` };
  if (policy.extraStatuses?.includes(res.status)) return { retry: true, waitSeconds: after ?? backoff, reason: `HTTP ${res.status}` };
  if (res.status === 400 && hasErrorCode(res.body, loopDetectedCode)) {
    if (o.loopRetried) return { retry: false };
    const waitSeconds = Math.min(loopDetectedMaxWaitSeconds, o.remaining / 2000);
    return { retry: true, waitSeconds, reason: `AADSTS${loopDetectedCode} (request loop detected)`, loop: true };
  }
  return { retry: false };
}

export function createSender(client: HttpClient, options: SenderOptions): Sender {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const { deadline, log } = options;
  const raise = options.raiseDeadline ?? raiseTimeoutVariable;

  return {
    deadline,
    async send(req, policy = {}) {
      const maxAttempts = policy.maxAttempts ?? 10;
      const started = now();
      let previous: Outcome | undefined;
      let loopRetried = false;
      for (let attempt = 1; ; attempt++) {
        const remaining = deadline - now();
        // A wait that ended past the deadline (a timer fires late on a busy machine) ends as if it
        // had not been waited: what the attempts met, not that there was no answer.
        if (remaining <= 0) {
          if (!previous) throw timedOut(req, attempt - 1, started, now(), raise);
          if ('res' in previous && previous.res.status < 500 && previous.res.status !== 429) return previous.res;
          throw giveUp(req, previous, attempt - 1, started, now(), raise);
        }
        const budget = Math.min(requestTimeoutMs, remaining);
        let outcome: Outcome;
        try {
          outcome = { res: await client.send(req, budget) };
        } catch (err) {
          if (!(err instanceof TransportError)) throw err;
          outcome = { err };
        }
        // An attempt that our own deadline cut short says nothing new about the server: a failure
        // reports what the attempt before it met ("closed the connection", not "within 0 s").
        const cutShort = 'err' in outcome && outcome.err.kind === 'timeout' && budget < requestTimeoutMs;
        const reported = cutShort && previous ? previous : outcome;
        previous = reported;
        const verdict: Verdict =
          'err' in outcome
            ? { retry: true, waitSeconds: backoffSeconds(attempt, random), reason: outcome.err.message }
            : judge(outcome.res, attempt, policy, { now, random, remaining: deadline - now(), loopRetried });
        if (!verdict.retry && 'res' in outcome) return outcome.res;
        const waitMs = verdict.retry ? verdict.waitSeconds * 1000 : 0;
        if (attempt >= maxAttempts || now() + waitMs >= deadline) {
          // A 4xx that was worth waiting for (IMDS 404, AADSTS50196) is explained by the caller's parser.
          if ('res' in outcome && outcome.res.status < 500 && outcome.res.status !== 429) return outcome.res;
          throw giveUp(req, reported, attempt, started, now(), raise);
        }
        log.verbose(`Retry ${attempt}/${maxAttempts - 1} of ${req.purpose} in ${(waitMs / 1000).toFixed(1)} s: ${verdict.retry ? verdict.reason : ''}.`);
        if (verdict.retry && verdict.loop) loopRetried = true;
        await sleep(waitMs);
      }
    },
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function timedOut(req: HttpRequest, attempts: number, started: number, ended: number, raise: string): ServiceError {
  return new ServiceError(
    `Timed out: ${req.purpose} at ${new URL(req.url).host} gave no usable answer in ${seconds(ended - started)} ` +
      `(${attempts} attempt${attempts === 1 ? '' : 's'}); check the network, or ${raise}.`,
  );
}

type Outcome = { res: HttpResponse } | { err: TransportError };

function giveUp(
  req: HttpRequest,
  outcome: Outcome,
  attempts: number,
  started: number,
  ended: number,
  raise: string,
): ServiceError {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'} in ${seconds(ended - started)}`;
  if ('err' in outcome) {
    const prefix = outcome.err.kind === 'timeout' ? 'Timed out: ' : '';
    return new ServiceError(`${prefix}${outcome.err.message} (${tries}); check the network and proxy settings, or ${raise}.`, {
      cause: outcome.err,
    });
  }
  const { status, headers, clientRequestId } = outcome.res;
  const retryAfter = headers['retry-after'] ? `, retry after ${headers['retry-after']}` : '';
  const what = status === 429 ? `kept throttling (HTTP 429${retryAfter})` : `kept failing (HTTP ${status}${retryAfter})`;
  const ids = [headers['x-ms-request-id'] && `trace id ${headers['x-ms-request-id']}`, `client-request-id ${clientRequestId}`]
    .filter(Boolean)
    .join(', ');
  return new ServiceError(`${req.purpose} at ${new URL(req.url).host} ${what} (${tries}; ${ids}); try again later.`);
}
