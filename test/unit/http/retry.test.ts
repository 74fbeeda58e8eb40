import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Log } from '../../../src/domain/log.js';
import { createSender } from '../../../src/http/retry.js';
import { TransportError, type HttpClient } from '../../../src/http/types.js';

/** A client that fails as told, on a clock the test moves (each attempt uses its whole budget). */
function failingClient(failures: Array<'reset' | 'timeout'>, clock: { t: number }): HttpClient {
  let attempt = 0;
  return {
    async send(_req, timeoutMs) {
      const kind = failures[Math.min(attempt++, failures.length - 1)]!;
      if (kind === 'timeout') {
        clock.t += timeoutMs;
        throw new TransportError('timeout', `the test endpoint at example.test did not answer within ${Math.round(timeoutMs / 1000)} s`);
      }
      throw new TransportError('reset', 'the test endpoint at example.test closed the connection before answering in full');
    },
  };
}

const silent: Log = { verbose: () => undefined, warn: () => undefined, info: () => undefined };

test('a last attempt cut short by the deadline reports the failure before it, not "within 0 s"', async () => {
  const clock = { t: 0 };
  const sender = createSender(failingClient(['reset', 'timeout'], clock), {
    deadline: 3000,
    log: silent,
    now: () => clock.t,
    sleep: async (ms) => void (clock.t += ms),
    random: () => 0.5,
  });
  await assert.rejects(sender.send({ method: 'GET', url: 'https://example.test/', purpose: 'the test endpoint' }), (err: Error) => {
    assert.match(err.message, /^the test endpoint at example\.test closed the connection before answering in full \(2 attempts in 3 s\)/);
    return true;
  });
});

/**
 * A server that answers `status` after 100 ms, and timers that fire 50 ms late, as on a busy
 * machine: the first wait (1.5 s, asked at 100 ms) ends before the deadline (1620 ms) is asked
 * for, and after it.
 */
function lateTimerSender(status: number, body: string) {
  const clock = { t: 0 };
  const client: HttpClient = {
    async send() {
      clock.t += 100;
      return { status, headers: {}, body, clientRequestId: 'id' };
    },
  };
  return createSender(client, { deadline: 1620, log: silent, now: () => clock.t, sleep: async (ms) => void (clock.t += ms + 50), random: () => 0.5 });
}

test('a wait that ends past the deadline (a late timer) still reports what the attempts met', async () => {
  const sender = lateTimerSender(502, '<html>Bad gateway</html>');
  await assert.rejects(sender.send({ method: 'GET', url: 'https://example.test/', purpose: 'the test endpoint' }), (err: Error) => {
    assert.match(err.message, /^the test endpoint at example\.test kept failing \(HTTP 502\) \(\d+ attempts? in \d+ s; client-request-id id\); try again later\.$/);
    return true;
  });
});

test('a late timer past the deadline hands a 4xx worth waiting for (IMDS 404) to the caller, as an in-time give-up does', async () => {
  const sender = lateTimerSender(404, '{"error":"not_found"}');
  const res = await sender.send({ method: 'GET', url: 'https://example.test/', purpose: 'the test endpoint' }, { extraStatuses: [404] });
  assert.equal(res.status, 404);
});

test('a server that never answers is reported as a timeout', async () => {
  const clock = { t: 0 };
  const sender = createSender(failingClient(['timeout'], clock), { deadline: 3000, log: silent, now: () => clock.t, sleep: async (ms) => void (clock.t += ms) });
  await assert.rejects(sender.send({ method: 'GET', url: 'https://example.test/', purpose: 'the test endpoint' }), (err: Error) => {
    assert.match(err.message, /^Timed out: the test endpoint at example\.test did not answer within 3 s \(1 attempt in 3 s\)/);
    return true;
  });
});

test('AADSTS50196 is retried once, after half the time left (at most 30 s), then answered as it came', async () => {
  const body = JSON.stringify({ error: 'invalid_request', error_codes: [50196] });
  for (const [deadline, expectedWait] of [[60_000, 30_000], [8_000, 4_000]] as const) {
    const clock = { t: 0 };
    const waits: number[] = [];
    let attempts = 0;
    const client: HttpClient = {
      async send() {
        attempts += 1;
        return { status: 400, headers: {}, body, clientRequestId: 'id' };
      },
    };
    const sender = createSender(client, { deadline, log: silent, now: () => clock.t, sleep: async (ms) => void (waits.push(ms), (clock.t += ms)) });
    const res = await sender.send({ method: 'POST', url: 'https://example.test/', purpose: 'the test endpoint' });
    assert.equal(res.status, 400);
    assert.equal(attempts, 2);
    assert.deepEqual(waits, [expectedWait]);
  }
});
